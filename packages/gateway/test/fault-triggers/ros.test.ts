// [ours] Fault-trigger rules on a ROS App (docs/triggers.md: "also allow it for ROS Apps"): the fixture robot in
// another process publishes /demo/battery/voltage as a sawtooth (24 V down to 20 V, then back), over real RTPS on
// its own domain (testDomain(212)). A rule `< 22` on the topic raises its fault on the way down and clears it
// when the voltage jumps back; `path` picks the field of the message (std_msgs/msg/Float64 `data`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataFeature } from '../../src/data/index.js';
import { createFaultsFeature } from '../../src/faults/feature.js';
import { createFaultTriggersFeature } from '../../src/fault-triggers/feature.js';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(212);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  // 1000 messages/s at -0.001 V each: 24 V to 20 V in 4 s, then back to 24 V.
  robot = await startRobot(DOMAIN, { only: ['battery'], rateHz: 1000 });
  g = await startRosGateway(DOMAIN, [createDataFeature(), createFaultsFeature(), createFaultTriggersFeature()], { 'fault_triggers.poll_interval_ms': 50 });
  await waitForApp(g, 'battery_monitor');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const status = () => g.gateway.ctx.services.get(FAULTS_SERVICE).manager.getFault('BATTERY_UNDERVOLTAGE')?.status;

describe('fault-trigger rules on a ROS topic', () => {
  it('refuses a topic the app does not have, then raises and clears its fault as the voltage crosses 22 V', async () => {
    const rules = `${g.url}/api/v1/apps/battery_monitor/fault-triggers`;
    const bad = await http(rules, { method: 'POST', json: { data_name: '/demo/no_such_topic', operator: '<', threshold: 22, fault_code: 'X_RULE', severity: 'ERROR' } });
    expect(bad.status).toBe(400);
    const r = await http(rules, { method: 'POST', json: { data_name: '/demo/battery/voltage', path: '/data', operator: '<', threshold: 22, fault_code: 'BATTERY_UNDERVOLTAGE', severity: 'WARNING' } });
    expect(r.status).toBe(201);
    await eventually(async () => status() === 'CONFIRMED', 'the fault raised below 22 V', 20_000);
    const f = g.gateway.ctx.services.get(FAULTS_SERVICE).manager.getFault('BATTERY_UNDERVOLTAGE')!;
    expect(f).toMatchObject({ severity: 1, reporting_sources: ['/demo/battery_monitor'] });
    await eventually(async () => status() === 'CLEARED', 'the fault cleared back above 22 V', 20_000);
    await eventually(async () => status() === 'CONFIRMED', 'the fault raised again on the next fall', 20_000);
    // Shown on the app it watches.
    const listed = await http(`${g.url}/api/v1/apps/battery_monitor/faults`);
    expect(listed.body.items.map((i: { fault_code: string }) => i.fault_code)).toContain('BATTERY_UNDERVOLTAGE');
  }, 90_000);
});

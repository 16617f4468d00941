// Modes, data-lists, clear-data and communication-logs against real @medkit/ros2 nodes in another process
// (the fixture robot, testDomain(196)): the lifecycle mode of a managed node driven to active, a data list
// read from a live topic, the cached value cleared, and a communication log with the node's endpoints and
// the measured rate of the topic it publishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataFeature } from '../../src/data/index.js';
import { createLifecycleFeature } from '../../src/lifecycle/index.js';
import { createModesFeature } from '../../src/modes/feature.js';
import { createDataListsFeature } from '../../src/data-lists/feature.js';
import { createClearDataFeature } from '../../src/clear-data/feature.js';
import { createCommunicationLogsFeature } from '../../src/communication-logs/feature.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(196);
const TOPIC = '/demo/battery/voltage';
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['battery', 'lifecycle'], rateHz: 20 });
  g = await startRosGateway(DOMAIN, [createDataFeature(), createLifecycleFeature(), createModesFeature(), createDataListsFeature(), createClearDataFeature(), createCommunicationLogsFeature()]);
  await waitForApp(g, 'battery_monitor');
  await waitForApp(g, 'lifecycle_node');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);

describe('the four SOVD resources on live ROS nodes', () => {
  it('modes: the lifecycle mode shows the managed state and PUT active runs start', async () => {
    const m = await eventually(async () => {
      const r = await api('/apps/lifecycle_node/modes/lifecycle');
      return r.body.value === 'unconfigured' ? r : undefined;
    }, 'lifecycle mode');
    expect(m.body['x-medkit']).toMatchObject({ source: 'lifecycle', managed: true, settable_values: ['active', 'finalized'] });
    const set = await api('/apps/lifecycle_node/modes/lifecycle', { method: 'PUT', json: { value: 'active' } });
    expect(set.status).toBe(200);
    expect(set.body['x-medkit']).toMatchObject({ requested: 'active', transition: 'start' });
    await eventually(async () => (await api('/apps/lifecycle_node/modes/lifecycle')).body.value === 'active' || undefined, 'active');
    // A plain (unmanaged) lifecycle reading: ready/notReady, nothing settable.
    const plain = await api('/apps/battery_monitor/modes/lifecycle');
    expect(plain.body).toMatchObject({ value: 'ready', 'x-medkit': { managed: false, settable_values: [] } });
  });

  it('data-lists: a list of live topics is read in one request; clear-data cached-data forgets the cached value', async () => {
    const created = await api('/apps/battery_monitor/data-lists', { method: 'POST', json: { name: 'power', items: [TOPIC] } });
    expect(created.status).toBe(201);
    const read = await eventually(async () => {
      const r = await api(`/apps/battery_monitor/data-lists/${created.body.id}`);
      return typeof r.body.items?.[0]?.data?.data === 'number' ? r : undefined;
    }, 'data list read');
    expect(read.body).toMatchObject({ id: created.body.id, name: 'power', items: [{ id: TOPIC }] });
    expect(read.body.items[0].data.data).toBeGreaterThan(19);

    const cleared = await api('/apps/battery_monitor/clear-data/cached-data', { method: 'PUT' });
    expect(cleared.status).toBe(202);
    expect(cleared.body.cleared.cached_values).toBeGreaterThanOrEqual(1);
  });

  it("communication-logs: the node's endpoints as discovery events and the measured rate of its topic", async () => {
    const started = await api('/apps/battery_monitor/communication-logs', { method: 'POST', json: {} });
    expect(started.status).toBe(201);
    const endpoints = started.body.events.filter((e: { event: string }) => e.event === 'snapshot').map((e: { endpoint?: string }) => e.endpoint);
    expect(endpoints).toEqual(expect.arrayContaining([`publisher ${TOPIC}`, 'subscription /demo/cmd', 'service /demo/add_two_ints']));
    const log = await eventually(async () => {
      const r = await api(`/apps/battery_monitor/communication-logs/${started.body.id}`);
      const t = r.body.topics?.find((x: { topic: string }) => x.topic === TOPIC);
      return t && t.messages >= 5 && t.rate_hz !== null ? t : undefined;
    }, 'topic rate');
    expect(log).toMatchObject({ topic: TOPIC, type: 'std_msgs/msg/Float64', watched: true });
    // 20 Hz published; only that the rate is measured and plausible (no timing assertion beyond an order of magnitude).
    expect(log.rate_hz).toBeGreaterThan(1);
    expect(log.rate_hz).toBeLessThan(200);
    const stopped = await api(`/apps/battery_monitor/communication-logs/${started.body.id}`, { method: 'PUT', json: { status: 'stopped' } });
    expect(stopped.body).toMatchObject({ status: 'stopped' });
    expect(stopped.body.topics[0].watched).toBe(false);
  });
});

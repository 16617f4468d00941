// VDA 5050 bridge on a real mosquitto (fleet.md §7): a protective stop reported to the robot's fault manager
// reaches an MQTT subscriber as a VDA 5050 2.x `state` whose errors[] carries it (FATAL, entity references),
// valid against the state schema; the connection topic says ONLINE, then OFFLINE on a clean stop.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import mqtt from 'mqtt';
import { describeWith, MOSQUITTO } from '../../../../test-support/requirements.js';
import { startMosquitto, type MqttBroker } from '../../../../test-support/servers/mosquitto.mjs';
import { startFaultGateway, until, type FaultGateway } from '../faults/gateway-harness.js';
import { buildState, faultToError } from '../../src/vda5050/messages.js';
import type { FaultRecord } from '../../src/faults/model.js';

const schema = JSON.parse(readFileSync(new URL('./vda5050-state.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateState = ajv.compile(schema);

interface Received {
  topic: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
  body: any;
}

it('the schema refuses a state with a wrong errorLevel or a missing required field (it can fail)', () => {
  const fault = { fault_code: 'X', severity: 3, description: 'd', reporting_sources: ['/n'] } as FaultRecord;
  const good = buildState({ version: '2.0.0', manufacturer: 'm', serialNumber: 's' }, 1, [faultToError(fault, [])]);
  expect(validateState(good)).toBe(true);
  expect(validateState({ ...good, errors: [{ ...good.errors[0], errorLevel: 'BAD' }] })).toBe(false);
  const { safetyState: _s, ...missing } = good;
  expect(validateState(missing)).toBe(false);
  expect(faultToError({ ...fault, severity: 1 }, ['lidar']).errorLevel).toBe('WARNING');
  expect(faultToError(fault, ['lidar']).errorReferences).toEqual([{ referenceKey: 'entity_id', referenceValue: 'lidar' }]);
});

describeWith(MOSQUITTO, 'VDA 5050 state on MQTT (mosquitto)', () => {
  let broker: MqttBroker;
  let robot: FaultGateway;
  let sub: mqtt.MqttClient;
  const got: Received[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'vda-test-sub' });
    sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
    await sub.subscribeAsync('uagv/v2/acme/amr-7/#', { qos: 1 });
    robot = await startFaultGateway({
      flags: { 'vda5050.enabled': true, 'vda5050.broker_url': broker.url, 'vda5050.manufacturer': 'acme', 'vda5050.serial_number': 'amr-7' },
    });
  });
  afterAll(async () => {
    await robot?.close();
    await sub?.endAsync(true);
    await broker?.stop();
  });

  it('publishes the protective stop in state.errors[] and a schema-valid state', async () => {
    await until(() => got.find((m) => m.topic.endsWith('/connection') && m.body.connectionState === 'ONLINE'), 'ONLINE', 15_000);
    robot.fail('PROTECTIVE_STOP', '/safety/safety_gate', 3, 'Obstacle inside the protective field');
    const state = await until(() => got.find((m) => m.topic === 'uagv/v2/acme/amr-7/state' && m.body.errors.some((e: { errorType: string }) => e.errorType === 'PROTECTIVE_STOP')), 'state with the protective stop', 15_000);
    expect(validateState(state.body), JSON.stringify(validateState.errors)).toBe(true);
    const err = state.body.errors.find((e: { errorType: string }) => e.errorType === 'PROTECTIVE_STOP');
    expect(err.errorLevel).toBe('FATAL');
    expect(err.errorDescription).toBe('Obstacle inside the protective field');
    expect(err.errorReferences.length).toBeGreaterThan(0);
    expect(state.body.manufacturer).toBe('acme');
    expect(state.body.serialNumber).toBe('amr-7');
    // Cleared: the next state no longer carries it.
    robot.faults.system.manager.clear('PROTECTIVE_STOP');
    await until(() => got.find((m) => m.topic.endsWith('/state') && m.body.headerId > state.body.headerId && !m.body.errors.some((e: { errorType: string }) => e.errorType === 'PROTECTIVE_STOP')), 'state without it', 15_000);
    await robot.close();
    await until(() => got.find((m) => m.topic.endsWith('/connection') && m.body.connectionState === 'OFFLINE'), 'OFFLINE on a clean stop', 15_000);
  });
});

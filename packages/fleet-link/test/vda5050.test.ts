// VDA 5050 bridge on a real mosquitto (docs/fleet.md), every message checked against the official VDA 5050 2.0
// JSON schemas (fixtures/vda5050-2.0, with their licence): a protective stop reported to the robot's fault
// manager reaches an MQTT subscriber in state.errors[]; errors[] stays bounded whatever the faults carry; the
// retained connection topic says OFFLINE after a clean stop, and a gateway that dies leaves the broker's will,
// CONNECTIONBROKEN, stamped no earlier than its last (re)connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import mqtt from 'mqtt';
import { describeWith, MOSQUITTO } from '../../../test-support/requirements.js';
import { startMosquitto } from '../../../test-support/servers/mosquitto.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway, freePort, runMedkit } from '../../../test-support/medkit-cli.js';
import { buildConnection, buildState, faultToError, MAX_DESCRIPTION_CHARS, MORE_ERRORS_TYPE, stateErrors } from '../src/vda5050/messages.js';
import type { FaultRecord } from '@medkit/faults';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/vda5050-2.0/${name}`, import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateState = ajv.compile(fixture('state.schema'));
const validateConnection = ajv.compile(fixture('connection.schema'));
const header = { version: '2.0.0', manufacturer: 'm', serialNumber: 's' };

type Broker = Awaited<ReturnType<typeof startMosquitto>>;
interface Received {
  topic: string;
  retain: boolean;
  at: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field and by the schemas
  body: any;
}

function fault(code: string, severity: number, extra: Partial<FaultRecord> = {}): FaultRecord {
  return { fault_code: code, severity, description: `${code} description`, reporting_sources: ['/n'], last_occurred_ns: 1n, status: 'CONFIRMED', ...extra } as FaultRecord;
}

/** A subscriber on the robot's VDA 5050 topics, recording every message (and whether the broker sent it retained). */
async function subscribe(url: string, clientId: string, topic = 'uagv/v2/acme/#') {
  const got: Received[] = [];
  const sub = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 200 });
  sub.on('message', (t, payload, packet) => got.push({ topic: t, retain: packet.retain, at: Date.now(), body: JSON.parse(payload.toString()) }));
  await sub.subscribeAsync(topic, { qos: 1 });
  return { got, sub };
}

describe('VDA 5050 messages against the official 2.0 schemas', () => {
  it('the schemas refuse a wrong errorLevel, a missing field or an unknown connection state (they can fail)', () => {
    const good = buildState(header, 1, [faultToError(fault('X', 3), [])]);
    expect(validateState(good), JSON.stringify(validateState.errors)).toBe(true);
    expect(validateState({ ...good, errors: [{ ...good.errors[0], errorLevel: 'BAD' }] })).toBe(false);
    const { safetyState: _s, ...missing } = good;
    expect(validateState(missing)).toBe(false);
    expect(validateConnection(buildConnection(header, 1, 'OFFLINE'))).toBe(true);
    expect(validateConnection({ ...buildConnection(header, 1, 'OFFLINE'), connectionState: 'DISCONNECTED' })).toBe(false);
    expect(faultToError(fault('X', 1), ['lidar']).errorLevel).toBe('WARNING');
    expect(faultToError(fault('X', 3), ['lidar']).errorReferences).toEqual([{ referenceKey: 'entity_id', referenceValue: 'lidar' }]);
  });

  it('bounds errors[]: the most severe and most recent first, the rest counted in one extra error, every string cut', () => {
    const description = 'd'.repeat(1_000_000);
    const sources = Array.from({ length: 1000 }, (_, k) => `/node_${k}`.padEnd(400, 'n'));
    const many = Array.from({ length: 10_000 }, (_, i) => fault(`F${i}`.padEnd(300, 'x'), i % 4, { description, last_occurred_ns: BigInt(i), reporting_sources: sources }));
    const errors = stateErrors(many, 32, () => []);
    expect(errors).toHaveLength(33);
    expect(errors.slice(0, 32).every((e) => e.errorLevel === 'FATAL')).toBe(true);
    // Severity 3 first, newest first among them.
    expect(errors[0].errorType.startsWith('F9999')).toBe(true);
    expect(errors[32]).toMatchObject({ errorType: MORE_ERRORS_TYPE, errorLevel: 'FATAL', errorReferences: [{ referenceKey: 'omitted_count', referenceValue: '9968' }] });
    const state = buildState(header, 1, errors);
    expect(validateState(state), JSON.stringify(validateState.errors)).toBe(true);
    expect(errors.every((e) => e.errorDescription.length <= MAX_DESCRIPTION_CHARS && e.errorReferences.length <= 8)).toBe(true);
    // Worst case about 70 KB (docs/fleet.md); a real fault takes a few hundred bytes.
    expect(JSON.stringify(state).length).toBeLessThan(72 * 1024);
    expect(stateErrors([fault('A', 1), fault('B', 0)], 1, () => [])[1].errorLevel).toBe('WARNING');
    expect(stateErrors([fault('A', 1)], 1, () => [])).toHaveLength(1);
  });
});

describeWith(MOSQUITTO, 'VDA 5050 state and connection on MQTT (mosquitto)', () => {
  let broker: Broker;
  let robot: FaultGateway;
  let watch: Awaited<ReturnType<typeof subscribe>>;

  beforeAll(async () => {
    buildGateway();
    broker = await startMosquitto();
    watch = await subscribe(broker.url, 'vda-test-sub');
    robot = await startRobotGateway({
      flags: { 'vda5050.enabled': true, 'vda5050.broker_url': broker.url, 'vda5050.manufacturer': 'acme', 'vda5050.serial_number': 'amr-7' },
    });
  });
  afterAll(async () => {
    await robot?.close();
    await watch?.sub.endAsync(true);
    await broker?.stop();
  });

  it('publishes the protective stop in a schema-valid state.errors[]; a clean stop leaves OFFLINE retained', async () => {
    const got = watch.got;
    await until(() => got.find((m) => m.topic.endsWith('amr-7/connection') && m.body.connectionState === 'ONLINE'), 'ONLINE', 15_000);
    robot.fail('PROTECTIVE_STOP', '/safety/safety_gate', 3, 'Obstacle inside the protective field');
    const state = await until(() => got.find((m) => m.topic === 'uagv/v2/acme/amr-7/state' && m.body.errors.some((e: { errorType: string }) => e.errorType === 'PROTECTIVE_STOP')), 'state with the protective stop', 15_000);
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
    await until(() => got.find((m) => m.topic.endsWith('amr-7/connection') && m.body.connectionState === 'OFFLINE'), 'OFFLINE on a clean stop', 15_000);
    // What a master control that connects now is told: the retained message, OFFLINE, not the will.
    await new Promise((r) => setTimeout(r, 500));
    const late = await subscribe(broker.url, 'vda-test-late', 'uagv/v2/acme/amr-7/connection');
    const retained = await until(() => late.got.find((m) => m.retain), 'the retained connection message', 10_000);
    await late.sub.endAsync(true);
    expect(retained.body.connectionState).toBe('OFFLINE');
    expect(got.filter((m) => m.topic.endsWith('amr-7/connection')).map((m) => m.body.connectionState)).not.toContain('CONNECTIONBROKEN');
    for (const m of got) {
      const v = m.topic.endsWith('/state') ? validateState : validateConnection;
      expect(v(m.body), `${m.topic}: ${JSON.stringify(v.errors)}`).toBe(true);
    }
    // headerId counts per topic.
    const connIds = got.filter((m) => m.topic.endsWith('amr-7/connection')).map((m) => m.body.headerId);
    expect(connIds.every((id, i) => i === 0 || id > connIds[i - 1])).toBe(true);
  });

  it('leaves CONNECTIONBROKEN as the will of a gateway that dies, stamped at its last reconnection, not at its start', async () => {
    const gw = runMedkit(['gateway', '--port', String(await freePort()), '--no-ros', '--data-dir', mkdtempSync(join(tmpdir(), 'medkit-vda-')), '--set', 'vda5050.enabled=true', '--set', `vda5050.broker_url=${broker.url}`, '--set', 'vda5050.manufacturer=acme', '--set', 'vda5050.serial_number=amr-9']);
    try {
      const got = watch.got;
      await until(() => got.find((m) => m.topic.endsWith('amr-9/connection') && m.body.connectionState === 'ONLINE'), 'ONLINE', 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      // The broker restarts (the will armed at start is gone with it); the gateway reconnects and arms a new one.
      const restartedAt = Date.now();
      await broker.restart();
      await until(() => got.find((m) => m.topic.endsWith('amr-9/connection') && m.body.connectionState === 'ONLINE' && m.at > restartedAt), 'ONLINE again after the broker restart', 30_000);
      gw.child.kill('SIGKILL');
      await gw.exited;
      const will = await until(() => got.find((m) => m.topic.endsWith('amr-9/connection') && m.body.connectionState === 'CONNECTIONBROKEN'), 'the will after SIGKILL', 30_000);
      expect(validateConnection(will.body), JSON.stringify(validateConnection.errors)).toBe(true);
      expect(Date.parse(will.body.timestamp)).toBeGreaterThanOrEqual(restartedAt);
    } finally {
      if (gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
    }
  });
});

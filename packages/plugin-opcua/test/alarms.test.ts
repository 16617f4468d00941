// Native OPC-UA alarms & conditions end to end (docs/opcua.md "Native alarms and
// conditions"): node-opcua's server on loopback raises real conditions; the gateway maps them to faults
// (on the App of an event alarm's entity_id, or auto-mapped), acknowledges and confirms them on the server
// through the acknowledge_fault / confirm_fault operations, and learns the conditions already active by
// ConditionRefresh or, against a server that refuses it, by reading their state.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { PlcServer } from './plc-server.js';

const NODE_MAP = `
component_id: plc1
nodes:
  - { node_id: "ns=1;s=Temperature", data_name: temperature }
  - { node_id: "ns=1;s=Setpoint", data_name: pump_speed, entity_id: fill_pump, writable: true }
event_alarms:
  - { alarm_source: "ns=1;s=HighTempAlarm", fault_code: PLC_HIGH_TEMP }
  - { alarm_source: "ns=1;s=PumpAlarm", fault_code: PLC_PUMP_FAULT, entity_id: fill_pump }
`;

const dirs: string[] = [];
function nodeMap(text = NODE_MAP): string {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-alarms-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'plc.yaml'), text);
  return join(dir, 'plc.yaml');
}

const gateway = (plc: PlcServer, extra: Record<string, unknown> = {}, dataDir?: string) =>
  startTestGateway({
    defaults: true,
    ...(dataDir ? { dataDir } : {}),
    flags: {
      plugins: ['opcua'],
      'plugins.opcua.endpoint_url': plc.endpoint,
      'plugins.opcua.node_map_path': nodeMap(),
      'plugins.opcua.subscription_interval_ms': 50,
      'plugins.opcua.comms_lost_debounce_ms': 200,
      'plugins.opcua.reconnect.initial_delay_ms': 100,
      'plugins.opcua.reconnect.max_delay_ms': 400,
      ...extra,
    },
  });

type Api = (path: string, init?: Parameters<typeof http>[1]) => ReturnType<typeof http>;
const apiOf = (g: TestGateway): Api => (path, init = {}) => http(`${g.url}/api/v1${path}`, init);
const codesOf = async (api: Api, entity: string, status = '') => ((await api(`${entity}/faults${status}`)).body.items as { fault_code: string; status?: unknown }[]).map((f) => f.fault_code);
const connected = (api: Api) => eventually(async () => (await api('/components/plc1/x-plc-status')).body.connected === true, 'the plugin to connect');
const run = (api: Api, entity: string, op: string, parameters: unknown, client = 'alice') =>
  api(`${entity}/operations/${op}/executions`, { method: 'POST', headers: { 'X-Client-Id': client }, json: { parameters } });

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('opcua native alarms: entity_id, acknowledge / confirm, auto_alarms', () => {
  let plc: PlcServer;
  let g: TestGateway;
  let api: Api;

  beforeAll(async () => {
    plc = await PlcServer.start();
    g = await gateway(plc, { 'plugins.opcua.auto_alarms': true });
    api = apiOf(g);
    await connected(api);
  }, 60_000);

  afterAll(async () => {
    await g?.close();
    await plc?.stop().catch(() => {});
  });

  it('raises an event alarm on the App of its entity_id, confirmed', async () => {
    plc.raise('PumpAlarm', 'Pump 1 overload', 900);
    await eventually(async () => (await codesOf(api, '/apps/fill_pump')).includes('PLC_PUMP_FAULT'), 'PLC_PUMP_FAULT on fill_pump');
    const f = await api('/apps/fill_pump/faults/PLC_PUMP_FAULT');
    expect(f.status).toBe(200);
    expect(JSON.stringify(f.body)).toContain('Pump 1 overload');
    expect(f.body.item).toMatchObject({ severity_label: 'critical', entity_id: 'fill_pump' }); // Severity 900
    expect(f.body.item.reporting_sources).toEqual(['fill_pump']); // the App reports it (the component lists its Apps' faults too)
  });

  it('lists acknowledge_fault and confirm_fault on the entities with event alarms, next to set_<name>', async () => {
    const app = (await api('/apps/fill_pump/operations')).body.items.map((i: { id: string }) => i.id);
    expect(app).toEqual(['set_pump_speed', 'acknowledge_fault', 'confirm_fault']);
    const component = (await api('/components/plc1/operations')).body.items.map((i: { id: string }) => i.id);
    expect(component).toEqual(['acknowledge_fault', 'confirm_fault']);
  });

  it('refuses hostile parameters and unknown fault codes with SOVD errors', async () => {
    const bad = [
      undefined,
      null,
      [],
      'PLC_PUMP_FAULT',
      {},
      { fault_code: 42 },
      { fault_code: '' },
      { fault_code: 'x'.repeat(257) },
      { fault_code: '../etc' },
      { fault_code: 'A B' },
      { fault_code: 'PLC_PUMP_FAULT', comment: 7 },
      { fault_code: 'PLC_PUMP_FAULT', comment: 'c'.repeat(1025) },
      { fault_code: 'PLC_PUMP_FAULT', extra: true },
    ];
    for (const p of bad) {
      const r = await run(api, '/apps/fill_pump', 'acknowledge_fault', p);
      expect(r.status, JSON.stringify(p)?.slice(0, 60)).toBe(400);
      expect(r.body.error_code).toBe('invalid-parameter');
    }
    const unknown = await run(api, '/apps/fill_pump', 'acknowledge_fault', { fault_code: 'NOPE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('resource-not-found');
    // A fault of another entity is not this entity's to acknowledge.
    expect((await run(api, '/components/plc1', 'acknowledge_fault', { fault_code: 'PLC_PUMP_FAULT' })).status).toBe(404);
    // Entities without event alarms have no such operation.
    expect((await run(api, '/apps/fill_pump', 'set_nope', { value: 1 })).status).toBe(404);
    expect(plc.conditionState('PumpAlarm').acked).toBe(false);
  });

  it('acknowledges on the server (lock-checked), confirms, and clears the fault once the alarm is inactive', async () => {
    const lock = await api('/apps/fill_pump/locks', { method: 'POST', headers: { 'X-Client-Id': 'alice' }, json: { lock_expiration: 60 } });
    expect(lock.status).toBe(201);
    expect((await run(api, '/apps/fill_pump', 'acknowledge_fault', { fault_code: 'PLC_PUMP_FAULT' }, 'bob')).status).toBe(409);
    expect(plc.conditionState('PumpAlarm').acked).toBe(false);
    // Confirming an alarm that is not waiting for confirmation: the server's refusal with its StatusCode name.
    const early = await run(api, '/apps/fill_pump', 'confirm_fault', { fault_code: 'PLC_PUMP_FAULT' });
    expect(early.status).toBe(409);
    expect(early.body.parameters).toMatchObject({ plugin_error_code: 'x-medkit-opcua-condition-refused', status_code: 'BadConditionBranchAlreadyConfirmed' });

    const ack = await run(api, '/apps/fill_pump', 'acknowledge_fault', { fault_code: 'PLC_PUMP_FAULT', comment: 'seen by alice' });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toEqual({ parameters: { status: 'success', operation: 'acknowledge_fault', fault_code: 'PLC_PUMP_FAULT', condition_id: 'ns=1;s=PumpAlarm', status_code: 'Good' } });
    expect(plc.conditionState('PumpAlarm')).toEqual({ acked: true, confirmed: false });
    // Still active: acknowledged is not cleared.
    expect(await codesOf(api, '/apps/fill_pump')).toContain('PLC_PUMP_FAULT');
    // Inactive and acknowledged but not confirmed: healed internally (PASSED), still listed as confirmed.
    plc.deactivate('PumpAlarm');
    const healed = await eventually(async () => {
      const items = (await api('/apps/fill_pump/faults')).body.items as { fault_code: string; last_passed?: number; 'x-medkit': { status: string } }[];
      return items.find((f) => f.fault_code === 'PLC_PUMP_FAULT' && f.last_passed !== undefined);
    }, 'PLC_PUMP_FAULT healed but still listed');
    expect(healed['x-medkit'].status).toBe('CONFIRMED');
    // Confirm needs the EventId of the deactivation: retried until that event has arrived.
    await eventually(async () => (await run(api, '/apps/fill_pump', 'confirm_fault', { fault_code: 'PLC_PUMP_FAULT', comment: 'fixed' })).status === 200, 'confirm_fault to succeed');
    expect(plc.conditionState('PumpAlarm').confirmed).toBe(true);
    await eventually(async () => !(await codesOf(api, '/apps/fill_pump')).includes('PLC_PUMP_FAULT'), 'PLC_PUMP_FAULT to clear');
    expect(await codesOf(api, '/apps/fill_pump', '?status=cleared')).toContain('PLC_PUMP_FAULT');
    expect((await api(`/apps/fill_pump/locks/${lock.body.id}`, { method: 'DELETE', headers: { 'X-Client-Id': 'alice' } })).status).toBe(204);
  });

  it('auto_alarms maps an unconfigured condition to a fault named after its source and condition name', async () => {
    plc.raise('DoorAlarm', 'Cabinet door open', 300);
    await eventually(async () => (await codesOf(api, '/components/plc1')).includes('PLC.Door_open'), 'the auto-mapped fault PLC.Door_open');
    const status = (await api('/components/plc1/x-plc-status')).body;
    expect(status).toMatchObject({ auto_alarms: true, auto_alarms_overflow: 0 });
    expect(status.auto_alarm_count).toBeGreaterThanOrEqual(1);
    const ack = await run(api, '/components/plc1', 'acknowledge_fault', { fault_code: 'PLC.Door_open' });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    plc.deactivate('DoorAlarm'); // acknowledged, no ConfirmedState: cleared when inactive
    await eventually(async () => !(await codesOf(api, '/components/plc1')).includes('PLC.Door_open'), 'PLC.Door_open to clear');
  });

  it('heals the configured alarm when it goes inactive and is acknowledged at the PLC', async () => {
    plc.raiseAlarm('Tank too hot', 700);
    await eventually(async () => (await codesOf(api, '/components/plc1')).includes('PLC_HIGH_TEMP'), 'PLC_HIGH_TEMP');
    plc.clearAlarm();
    await eventually(async () => !(await codesOf(api, '/components/plc1')).includes('PLC_HIGH_TEMP'), 'PLC_HIGH_TEMP to clear');
  });

  it('answers 503 while the server is down', async () => {
    await plc.stop();
    await eventually(async () => (await api('/components/plc1/x-plc-status')).body.connected === false, 'the connection to drop');
    const r = await run(api, '/apps/fill_pump', 'acknowledge_fault', { fault_code: 'PLC_PUMP_FAULT' });
    expect(r.status).toBe(503);
  });
});

describe('opcua condition replay against a server that refuses ConditionRefresh', () => {
  let plc: PlcServer;

  beforeAll(async () => {
    plc = await PlcServer.start(0, undefined, { refuseConditionRefresh: true });
    plc.raise('PumpAlarm', 'Pump 1 overload', 600); // active before any gateway connects
  }, 60_000);

  afterAll(async () => {
    await plc?.stop().catch(() => {});
  });

  it('method: the refusal is reported and the active alarm stays unknown', async () => {
    const g = await gateway(plc, { 'plugins.opcua.condition_replay_strategy': 'method' });
    try {
      const api = apiOf(g);
      await connected(api);
      const status = (await api('/components/plc1/x-plc-status')).body;
      expect(status.condition_replay).toMatchObject({ strategy: 'method', used: 'none' });
      expect(status.condition_replay.error).toContain('BadNotSupported');
      expect(await codesOf(api, '/apps/fill_pump')).not.toContain('PLC_PUMP_FAULT');
    } finally {
      await g.close();
    }
  });

  it('read, then auto after a gateway restart and after a reconnection: active alarms are restored from their state variables', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medkit-opcua-replay-'));
    dirs.push(dataDir);
    const first = await gateway(plc, { 'plugins.opcua.condition_replay_strategy': 'read', 'plugins.opcua.require_confirm_for_clear': false }, dataDir);
    try {
      const api = apiOf(first);
      await connected(api);
      expect((await api('/components/plc1/x-plc-status')).body.condition_replay).toMatchObject({ strategy: 'read', used: 'read' });
      await eventually(async () => (await codesOf(api, '/apps/fill_pump')).includes('PLC_PUMP_FAULT'), 'PLC_PUMP_FAULT from the read replay');
    } finally {
      await first.close();
    }

    plc.deactivate('PumpAlarm'); // while no gateway runs: inactive, not acknowledged
    const second = await gateway(plc, { 'plugins.opcua.require_confirm_for_clear': false }, dataDir);
    try {
      const api = apiOf(second);
      await connected(api);
      const replay = (await api('/components/plc1/x-plc-status')).body.condition_replay;
      expect(replay).toMatchObject({ strategy: 'auto', used: 'read' });
      expect(replay.error).toContain('BadNotSupported');
      // Inactive but unacknowledged: still confirmed; the EventId came with the read, so it can be acknowledged.
      expect(await codesOf(api, '/apps/fill_pump')).toContain('PLC_PUMP_FAULT');
      const ack = await run(api, '/apps/fill_pump', 'acknowledge_fault', { fault_code: 'PLC_PUMP_FAULT' });
      expect(ack.status, JSON.stringify(ack.body)).toBe(200);
      // require_confirm_for_clear false: inactive + acknowledged is enough.
      await eventually(async () => !(await codesOf(api, '/apps/fill_pump')).includes('PLC_PUMP_FAULT'), 'PLC_PUMP_FAULT to clear without confirmation');
      expect(plc.conditionState('PumpAlarm')).toEqual({ acked: true, confirmed: false });

      // The PLC reboots and its alarm is active before the gateway has reconnected: the replay on reconnection reads it.
      const before = (await api('/components/plc1/x-plc-status')).body.condition_replay.at as string;
      const port = plc.port;
      await plc.stop();
      await eventually(async () => (await api('/components/plc1/x-plc-status')).body.connected === false, 'the connection to drop');
      plc = await PlcServer.start(port, undefined, { refuseConditionRefresh: true });
      plc.raise('PumpAlarm', 'Pump 1 overload again', 600); // synchronously after start: before any subscription exists
      await connected(api);
      await eventually(async () => (await codesOf(api, '/apps/fill_pump')).includes('PLC_PUMP_FAULT'), 'PLC_PUMP_FAULT from the replay after reconnecting');
      const again = (await api('/components/plc1/x-plc-status')).body.condition_replay;
      expect(again).toMatchObject({ strategy: 'auto', used: 'read' });
      expect(again.at > before).toBe(true);
    } finally {
      await second.close();
    }
  });
});

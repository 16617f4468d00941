// The built-in opcua plugin against a real OPC-UA server (node-opcua's, on loopback, ephemeral port)
// simulating a PLC: the component and its data items, reads and type-checked writes, a cyclic subscription
// and a trigger fed by the server's monitored items, a native alarm and a threshold rule raising and
// healing faults through the fault manager, and stale data plus reconnection across a server restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { openSse, type SseClient } from '../../../test-support/sse-client.js';
import { PlcServer } from './plc-server.js';

const NODE_MAP = `
area_id: plc_systems
component_id: plc1
component_name: Tank PLC
nodes:
  - { node_id: "ns=1;s=Temperature", data_name: temperature, unit: C }
  - { node_id: "ns=1;s=Setpoint", data_name: setpoint, unit: C, writable: true, min_value: 0, max_value: 120 }
  - node_id: "ns=1;s=Pressure"
    data_name: pressure
    unit: bar
    alarm: { fault_code: PLC_OVERPRESSURE, severity: ERROR, threshold: 5, above_threshold: true }
  - { node_id: "ns=1;s=Mode", data_name: mode, writable: true }
  - { node_id: "ns=1;s=Counter", data_name: counter, writable: true }
  - { node_id: "ns=1;s=Label", data_name: label, writable: true }
  - { node_id: "ns=1;s=Missing", data_name: missing }
  - { node_id: "ns=1;s=Temperature", data_name: tank_temperature, entity_id: tank_process, unit: C }
  - { node_id: "ns=1;s=Setpoint", data_name: pump_speed, entity_id: fill_pump, unit: "%", writable: true, min_value: 0, max_value: 100 }
event_alarms:
  - { alarm_source: "ns=1;s=HighTempAlarm", fault_code: PLC_HIGH_TEMP }
`;

let plc: PlcServer;
let g: TestGateway;
let dir: string;
const streams: SseClient[] = [];

beforeAll(async () => {
  plc = await PlcServer.start();
  dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-'));
  writeFileSync(join(dir, 'plc.yaml'), NODE_MAP);
  g = await startTestGateway({
    defaults: true,
    flags: {
      plugins: ['opcua'],
      'plugins.opcua.endpoint_url': plc.endpoint,
      'plugins.opcua.node_map_path': join(dir, 'plc.yaml'),
      'plugins.opcua.prefer_subscriptions': true, // this file covers the monitored-item data path (polling: data-path.test.ts)
      'plugins.opcua.subscription_interval_ms': 50,
      'plugins.opcua.comms_lost_debounce_ms': 200,
      'plugins.opcua.reconnect.initial_delay_ms': 100,
      'plugins.opcua.reconnect.max_delay_ms': 400,
    },
  });
}, 60_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await g?.close();
  await plc?.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);
const put = (name: string, data: unknown) => api(`/components/plc1/data/${name}`, { method: 'PUT', json: { data } });
const faultCodes = async () => ((await api('/components/plc1/faults')).body.items as { fault_code: string }[]).map((f) => f.fault_code);
/** A fast cyclic subscription on an entity's data item, its event stream opened (closed after the tests). */
async function cyclic(entity: string, name: string): Promise<SseClient> {
  const sub = await api(`${entity}/cyclic-subscriptions`, { method: 'POST', json: { resource: `/api/v1${entity}/data/${name}`, interval: 'fast', duration: 30 } });
  expect(sub.status).toBe(201);
  const stream = await openSse(`${g.url}${sub.body.event_source}`);
  streams.push(stream);
  return stream;
}
const connected = () => eventually(async () => (await api('/components/plc1/x-plc-status')).body.connected === true, 'the plugin to connect');

describe('opcua plugin against a real OPC-UA server', () => {
  it('bridges the server as a component with data items', async () => {
    await connected();
    const c = await api('/components/plc1');
    expect(c.status).toBe(200);
    expect(c.body.name).toBe('Tank PLC');
    const caps = c.body.capabilities.map((x: { name: string }) => x.name);
    expect(caps).toEqual(expect.arrayContaining(['data', 'faults', 'x-plc-status']));
    const list = await api('/components/plc1/data');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual(['temperature', 'setpoint', 'pressure', 'mode', 'counter', 'label', 'missing']);
    expect(list.body.items[0]['x-medkit']).toMatchObject({ opcua: { node_id: 'ns=1;s=Temperature', data_type: 'Double' }, unit: 'C', writable: false });
    expect(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('node-opcua-client'))).toBe(true);
    const status = await api('/components/plc1/x-plc-status');
    expect(status.body).toMatchObject({ entity_id: 'plc1', connected: true, endpoint_url: plc.endpoint, security_mode: 'None', node_count: 9 });
  });

  it('reads values the server publishes through its monitored items', async () => {
    const r = await api('/components/plc1/data/temperature');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'temperature', data: 21.5, 'x-medkit': { connected: true, stale: false, opcua: { status_code: 'Good' } } });
    plc.set('Temperature', 23.25);
    await eventually(async () => (await api('/components/plc1/data/temperature')).body.data === 23.25, 'the new temperature');
    const counter = await api('/components/plc1/data/counter');
    expect(counter.body.data).toBe('7'); // Int64 as a decimal string
    const missing = await api('/components/plc1/data/missing');
    expect(missing.status).toBe(502);
    expect(missing.body.parameters).toMatchObject({ plugin_error_code: 'x-medkit-opcua-bad-status', status_code: 'BadNodeIdUnknown' });
    expect((await api('/components/plc1/data/nope')).status).toBe(404);
  });

  it('writes writable nodes, type-checked against the node DataType', async () => {
    const w = await put('setpoint', 55.5);
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ id: 'setpoint', data: 55.5 });
    expect(plc.get('Setpoint')).toBe(55.5);
    const c64 = await put('counter', '9007199254740993');
    expect(c64.status, JSON.stringify(c64.body)).toBe(200); // 2^53 + 1: exact, no float on the way
    expect(plc.get('Counter')).toEqual([0x200000, 1]);
    expect((await put('mode', 3)).status).toBe(200);
    expect(plc.get('Mode')).toBe(3);

    const wrongType = await put('setpoint', 'hot');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { expected_type: 'Double' } });
    expect((await put('mode', 40000)).status).toBe(400); // outside Int16
    expect((await put('mode', 1.5)).status).toBe(400);
    expect((await put('label', 12)).status).toBe(400);
    expect((await put('setpoint', 500)).status).toBe(400); // outside min/max of the node map
    const ro = await put('temperature', 1);
    expect(ro.status).toBe(400);
    expect(ro.body.parameters.plugin_error_code).toBe('x-medkit-opcua-read-only');
    expect(plc.get('Setpoint')).toBe(55.5);
  });

  it('serves node-map entity_id items from Apps located on the component', async () => {
    const app = await api('/apps/fill_pump');
    expect(app.status).toBe(200);
    expect(app.body.capabilities.map((x: { name: string }) => x.name)).toContain('data');
    const hosts = await api('/components/plc1/hosts');
    expect(hosts.body.items.map((i: { id: string }) => i.id).sort()).toEqual(['fill_pump', 'tank_process']);
    const list = await api('/apps/fill_pump/data');
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual(['pump_speed']);
    await eventually(async () => (await api('/apps/tank_process/data/tank_temperature')).body.data === plc.get('Temperature'), 'the App item value');
    // An item is served by its own entity only.
    expect((await api('/components/plc1/data/pump_speed')).status).toBe(404);
    expect((await api('/apps/tank_process/data/pump_speed')).status).toBe(404);
    expect((await api('/apps/fill_pump/data/temperature')).status).toBe(404);

    const w = await api('/apps/fill_pump/data/pump_speed', { method: 'PUT', json: { data: 42 } });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(plc.get('Setpoint')).toBe(42);
    expect((await api('/apps/fill_pump/data/pump_speed', { method: 'PUT', json: { data: 101 } })).status).toBe(400); // above max_value
    expect((await api('/apps/fill_pump/data/pump_speed', { method: 'PUT', json: { data: 'fast' } })).status).toBe(400);
    expect((await api('/apps/tank_process/data/tank_temperature', { method: 'PUT', json: { data: 1 } })).status).toBe(400); // read-only
    expect(plc.get('Setpoint')).toBe(42);

    const stream = await cyclic('/apps/tank_process', 'tank_temperature');
    plc.set('Temperature', 26.5);
    await eventually(async () => (await stream.nextJson<{ payload: { data: number } }>()).payload.data === 26.5, 'the App subscription to carry the new value');
    plc.set('Temperature', 23.25); // what the next test starts from
    await eventually(async () => (await api('/components/plc1/data/temperature')).body.data === 23.25, 'the temperature back');
  });

  it('serves x-plc-data, x-plc-operations and x-plc-status, with SOVD errors for hostile input', async () => {
    await eventually(async () => (await api('/apps/fill_pump/x-plc-data')).body.items?.[0]?.value === 42, 'the written value in x-plc-data');
    const data = await api('/apps/fill_pump/x-plc-data');
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ entity_id: 'fill_pump', connected: true, items: [{ name: 'pump_speed', value: 42, unit: '%', data_type: 'Double', writable: true }] });
    expect(typeof data.body.timestamp).toBe('string');
    const one = await api('/apps/tank_process/x-plc-data/tank_temperature');
    expect(one.body).toMatchObject({ entity_id: 'tank_process', connected: true, name: 'tank_temperature', writable: false, data_type: 'Double' });
    expect((await api('/components/plc1/x-plc-data')).body.items.map((i: { name: string }) => i.name)).toContain('setpoint');
    expect((await api('/apps/tank_process/x-plc-data/pump_speed')).status).toBe(404); // another App's item
    expect((await api('/apps/fill_pump/x-plc-data/nope')).status).toBe(404);
    expect((await api('/apps/nope/x-plc-data')).status).toBe(404);
    expect((await api('/apps/x!y/x-plc-data')).status).toBe(400);
    expect((await api('/apps/plc1/x-plc-data')).status).toBe(400); // a component on the apps route
    const caps = (await api('/apps/fill_pump')).body.capabilities.map((x: { name: string }) => x.name);
    expect(caps).toEqual(expect.arrayContaining(['x-plc-data', 'x-plc-operations', 'operations']));

    const set = (op: string, body: unknown, entity = 'apps/fill_pump') => api(`/${entity}/x-plc-operations/${op}`, { method: 'POST', json: body });
    const ok = await set('set_pump_speed', { value: 64 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ status: 'success', operation: 'set_pump_speed', node_id: 'ns=1;s=Setpoint', value_written: 64 });
    expect(plc.get('Setpoint')).toBe(64);
    const high = await set('set_pump_speed', { value: 100.5 });
    expect(high.status).toBe(400);
    expect(high.body.parameters).toMatchObject({ max_value: 100 });
    const wrong = await set('set_pump_speed', { value: 'fast' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.parameters).toMatchObject({ expected_type: 'Double' });
    expect((await set('set_pump_speed', { speed: 1 })).status).toBe(400); // no value
    expect((await set('set_pump_speed', [64])).status).toBe(400);
    const ro = await set('set_tank_temperature', { value: 1 }, 'apps/tank_process');
    expect(ro.status).toBe(400);
    expect(ro.body.parameters.plugin_error_code).toBe('x-medkit-opcua-read-only');
    expect((await set('set_nope', { value: 1 })).status).toBe(404);
    expect((await set('pump_speed', { value: 1 })).status).toBe(404);
    expect((await set('set_setpoint', { value: 1 })).status).toBe(404); // the component's item, not this App's
    expect((await set('set_mode', { value: 40000 }, 'components/plc1')).status).toBe(400); // outside Int16
    expect(plc.get('Setpoint')).toBe(64);

    const status = await api('/components/plc1/x-plc-status');
    expect(status.body).toMatchObject({ entity_id: 'plc1', connected: true, mode: 'subscription', endpoint_url: plc.endpoint, node_count: 9 });
    expect(Array.isArray(status.body.active_alarms)).toBe(true);
    expect((await api('/components/nope/x-plc-status')).status).toBe(404);

    const docs = await api('/docs');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/apps/{app_id}/x-plc-data', '/apps/{app_id}/x-plc-operations/{operation}', '/components/{component_id}/x-plc-status']));
  });

  it('exposes set_<name> operations for writable items, behind the lock check', async () => {
    const ops = await api('/apps/fill_pump/operations');
    expect(ops.status).toBe(200);
    expect(ops.body.items.map((i: { id: string }) => i.id)).toEqual(['set_pump_speed']);
    expect((await api('/apps/tank_process/operations')).body.items ?? []).toEqual([]); // read-only items only
    expect((await api('/components/plc1/operations')).body.items.map((i: { id: string }) => i.id)).toEqual(['set_setpoint', 'set_mode', 'set_counter', 'set_label', 'acknowledge_fault', 'confirm_fault']);

    const run = (body: unknown, client = 'alice', op = 'set_pump_speed') =>
      api(`/apps/fill_pump/operations/${op}/executions`, { method: 'POST', headers: { 'X-Client-Id': client }, json: body });
    const r = await run({ parameters: { value: 12.5 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ parameters: { status: 'success', operation: 'set_pump_speed', node_id: 'ns=1;s=Setpoint', value_written: 12.5 } });
    expect(plc.get('Setpoint')).toBe(12.5);
    expect((await run({ parameters: { value: -1 } })).status).toBe(400);
    expect((await run({ parameters: { value: true } })).status).toBe(400);
    expect((await run({ parameters: {} })).status).toBe(400);
    expect((await run({ parameters: { value: 1 } }, 'alice', 'set_nope')).status).toBe(404);

    const lock = await api('/apps/fill_pump/locks', { method: 'POST', headers: { 'X-Client-Id': 'alice' }, json: { lock_expiration: 60 } });
    expect(lock.status).toBe(201);
    expect((await run({ parameters: { value: 30 } }, 'bob')).status).toBe(409);
    const vendorAsBob = await api('/apps/fill_pump/x-plc-operations/set_pump_speed', { method: 'POST', headers: { 'X-Client-Id': 'bob' }, json: { value: 30 } });
    expect(vendorAsBob.status).toBe(409);
    expect(plc.get('Setpoint')).toBe(12.5);
    expect((await run({ parameters: { value: 30 } }, 'alice')).status).toBe(200);
    expect(plc.get('Setpoint')).toBe(30);
    expect((await api(`/apps/fill_pump/locks/${lock.body.id}`, { method: 'DELETE', headers: { 'X-Client-Id': 'alice' } })).status).toBe(204);
  });

  it('feeds a cyclic subscription and a trigger from the monitored items', async () => {
    const stream = await cyclic('/components/plc1', 'temperature');
    const first = await stream.nextJson<{ payload: { data: number } }>();
    expect(first.payload.data).toBe(23.25);
    plc.set('Temperature', 30);
    await eventually(async () => (await stream.nextJson<{ payload: { data: number } }>()).payload.data === 30, 'the subscription to carry the new value');

    const trig = await api('/components/plc1/triggers', {
      method: 'POST',
      json: { resource: '/api/v1/components/plc1/data/temperature', path: '/data', trigger_condition: { condition_type: 'EnterRange', lower_bound: 80, upper_bound: 200 } },
    });
    expect(trig.status).toBe(201);
    const events = await openSse(`${g.url}${trig.body.event_source}`);
    streams.push(events);
    plc.set('Temperature', 31);
    await eventually(async () => (await api('/components/plc1/data/temperature')).body.data === 31, 'the value below the range');
    plc.set('Temperature', 85);
    const fired = await events.nextJson<{ payload: { data: number } }>(10_000);
    expect(fired.payload.data).toBe(85);
    // An item the component does not have waits (like a ROS topic nobody publishes), it is not a 5xx.
    const unknown = await api('/components/plc1/triggers', {
      method: 'POST',
      json: { resource: '/api/v1/components/plc1/data/nope', trigger_condition: { condition_type: 'OnChange' } },
    });
    expect(unknown.status).toBe(201);
  });

  it('raises a fault for the native alarm and heals it when the alarm clears', async () => {
    plc.raiseAlarm('Tank too hot', 700);
    await eventually(async () => (await faultCodes()).includes('PLC_HIGH_TEMP'), 'PLC_HIGH_TEMP');
    const f = await api('/components/plc1/faults/PLC_HIGH_TEMP');
    expect(f.status).toBe(200);
    expect(JSON.stringify(f.body)).toContain('Tank too hot');
    plc.clearAlarm();
    await eventually(async () => !(await faultCodes()).includes('PLC_HIGH_TEMP'), 'PLC_HIGH_TEMP to heal');
    const all = await api('/components/plc1/faults?status=cleared');
    expect(all.body.items.map((x: { fault_code: string }) => x.fault_code)).toContain('PLC_HIGH_TEMP');
  });

  it('raises and heals a threshold-rule fault', async () => {
    plc.set('Pressure', 7.5);
    await eventually(async () => (await faultCodes()).includes('PLC_OVERPRESSURE'), 'PLC_OVERPRESSURE');
    plc.set('Pressure', 2);
    await eventually(async () => !(await faultCodes()).includes('PLC_OVERPRESSURE'), 'PLC_OVERPRESSURE to heal');
  });

  it('marks data stale while the server is down and reconnects when it returns', async () => {
    const port = plc.port;
    plc.set('Temperature', 42);
    await eventually(async () => (await api('/components/plc1/data/temperature')).body.data === 42, 'the last value before the outage');
    await plc.stop();
    await eventually(async () => (await api('/components/plc1/data/temperature')).body['x-medkit']?.stale === true, 'stale data');
    const stale = await api('/components/plc1/data/temperature');
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ data: 42, 'x-medkit': { connected: false, stale: true } });
    const w = await put('setpoint', 10);
    expect(w.status).toBe(503);
    await eventually(async () => (await faultCodes()).includes('PLC_COMMS_LOST'), 'PLC_COMMS_LOST');

    plc = await PlcServer.start(port); // the PLC reboots: fresh values
    // From the reconnection on, a value served as fresh is the server's new one, never the 42 from before
    // the outage (the monitored item's first notification comes a moment after the session is back).
    const servedAsFresh: unknown[] = [];
    const watch = (async () => {
      for (let i = 0; i < 2000 && !servedAsFresh.includes(21.5); i++) {
        const r = await api('/components/plc1/data/temperature');
        if (r.status === 200 && r.body['x-medkit']?.stale === false) servedAsFresh.push(r.body.data);
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
    await connected();
    await eventually(async () => {
      const r = await api('/components/plc1/data/temperature');
      return r.body.data === 21.5 && r.body['x-medkit'].stale === false;
    }, 'fresh data after the reconnect');
    await watch;
    expect(servedAsFresh.length).toBeGreaterThan(0);
    expect(new Set(servedAsFresh)).toEqual(new Set([21.5]));
    await eventually(async () => !(await faultCodes()).includes('PLC_COMMS_LOST'), 'PLC_COMMS_LOST to heal');
    expect((await put('setpoint', 60)).status).toBe(200);
    expect(plc.get('Setpoint')).toBe(60);
  });
});

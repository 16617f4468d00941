// The opcua plugin's two data paths against a real OPC-UA server (node-opcua's, loopback, ephemeral port),
// each running the same tests: polling (the default; a hostile 5 ms interval is clamped to 100) and
// subscriptions. x-plc-status shows the mode, counts polls and names the server; the values feed reads,
// writes, triggers and threshold rules alike; a declared data_type the server contradicts refuses the node;
// status_bits / fault_enum registers (UInt16, Int32, Int64 with 2^63-1 exact, an Int16 read as a signed
// 8-bit register) raise and clear faults on /api/v1/faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { openSse, type SseClient } from '../../../test-support/sse-client.js';
import type { PlcServer } from './plc-server.js';
import { startBridge, type Bridge } from './bridge.js';

const NODE_MAP = `
component_id: plc2
nodes:
  - { node_id: "ns=1;s=Temperature", data_name: temperature, data_type: double, unit: C, ros2_topic: /plc2/temperature }
  - { node_id: "ns=1;s=Setpoint", data_name: setpoint, data_type: double, writable: true }
  - { node_id: "ns=1;s=Label", data_name: label, data_type: string, writable: true }
  - { node_id: "ns=1;s=Mode", data_name: mode, data_type: bool, writable: true }
  - { node_id: "ns=1;s=Phase", data_name: phase, data_type: int, writable: true }
  - { node_id: "ns=1;s=Phase", data_name: phase_text, data_type: string }
  - node_id: "ns=1;s=Pressure"
    data_name: pressure
    alarm: { fault_code: PLC2_OVERPRESSURE, threshold: 5 }
  - node_id: "ns=1;s=StatusWord"
    data_name: status_word
    display_name: Status word
    data_type: int
    status_bits:
      - { bit: 0, fault_code: PLC2_PUMP_OVERLOAD, severity: ERROR, message: Pump overload }
      - { bit: 15, fault_code: PLC2_DOOR_OPEN, severity: WARNING }
  - node_id: "ns=1;s=FaultCode"
    data_name: fault_code
    fault_enum:
      - { value: 3, fault_code: PLC2_JAM, message: Conveyor jammed }
      - { value: -7, fault_code: PLC2_NEGATIVE }
  - node_id: "ns=1;s=BigCode"
    data_name: big_code
    data_type: int
    status_word_width: 64
    fault_enum:
      - { value: "9223372036854775807", fault_code: PLC2_MAX64 }
  - node_id: "ns=1;s=SignedWord"
    data_name: signed_word
    status_word_width: 8
    fault_enum:
      - { value: -1, fault_code: PLC2_SIGNED_MINUS_ONE }
`;

// Both data paths run the same tests: they must feed everything downstream the same way.
describe.each(['polling', 'subscription'] as const)('opcua %s data path against a real OPC-UA server', (mode) => {
  let plc: PlcServer;
  let g: TestGateway;
  let bridge: Bridge | undefined;
  const streams: SseClient[] = [];
  let errorsAtStart = 0;

  beforeAll(async () => {
    // poll_interval_ms 5 is hostile: clamped to 100.
    const flags = mode === 'polling' ? { 'plugins.opcua.poll_interval_ms': 5 } : { 'plugins.opcua.prefer_subscriptions': true, 'plugins.opcua.subscription_interval_ms': 50 };
    bridge = await startBridge(NODE_MAP, flags);
    ({ plc, g } = bridge);
  }, 60_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await bridge?.close();
  });

  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);
  const status = async () => (await api('/components/plc2/x-plc-status')).body;
  const activeFaults = async () => ((await api('/faults')).body.items as { fault_code: string }[]).map((f) => f.fault_code).filter((c) => c.startsWith('PLC2_')).sort();
  const faultsBecome = (codes: string[], what: string) => eventually(async () => JSON.stringify(await activeFaults()) === JSON.stringify([...codes].sort()), what);
  const dataOf = async (name: string) => (await api(`/components/plc2/data/${name}`)).body.data;

    it('reports mode, poll_count, error_count and server_description (polling by default, clamped to 100 ms)', async () => {
      await eventually(async () => (await status()).connected === true, 'the plugin to connect');
      const first = await status();
      const expected = mode === 'polling' ? { mode, poll_interval_ms: 100 } : { mode, subscription_interval_ms: 50, poll_count: 0 };
      expect(first, JSON.stringify(first)).toMatchObject({ ...expected, node_count: 11 });
      expect(first.last_poll_error).toBeUndefined();
      errorsAtStart = first.error_count; // a first connection attempt may time out on a loaded machine
      expect(typeof errorsAtStart).toBe('number');
      expect(typeof first.server_description).toBe('string');
      expect(first.server_description.length).toBeGreaterThan(0);
      if (mode === 'polling') await eventually(async () => (await status()).poll_count >= first.poll_count + 2, 'more poll cycles');
      const docs = await api('/docs');
      expect(docs.body.paths['/components/{component_id}/x-plc-status'].get.responses['200'].content['application/json'].schema.properties.mode.enum).toEqual(['polling', 'subscription']);
    });

    it('serves values and writes through the declared data types', async () => {
      plc.set('Temperature', 24.75);
      await eventually(async () => (await dataOf('temperature')) === 24.75, 'the new temperature');
      const w = await api('/components/plc2/data/setpoint', { method: 'PUT', json: { data: 12.5 } });
      expect(w.status, JSON.stringify(w.body)).toBe(200);
      expect(plc.get('Setpoint')).toBe(12.5);
      expect((await api('/components/plc2/data/setpoint', { method: 'PUT', json: { data: 'warm' } })).status).toBe(400);
      expect((await api('/components/plc2/data/label', { method: 'PUT', json: { data: 'line 2' } })).status).toBe(200);
      expect(plc.get('Label')).toBe('line 2');
      await eventually(async () => (await dataOf('label')) === 'line 2', 'the new label');
    });

    it('refuses a node whose server DataType contradicts its declared data_type, naming both', async () => {
      const s = await status();
      expect(s.type_mismatches).toContainEqual({ data_name: 'mode', problem: expect.stringContaining('declares data_type bool, the server\'s DataType is Int16') });
      const r = await api('/components/plc2/data/mode');
      expect(r.status).toBe(502);
      expect(r.body.parameters).toMatchObject({ plugin_error_code: 'x-medkit-opcua-type-mismatch', data_type: 'bool', server_data_type: 'Int16' });
      const w = await api('/components/plc2/data/mode', { method: 'PUT', json: { data: true } });
      expect(w.status).toBe(502);
      expect(plc.get('Mode')).toBe(1); // nothing was written
    });

    it('settles a declaration on an Enumeration DataType by the Variant type of the first value', async () => {
      expect(await dataOf('phase')).toBe(2); // ServerState is not a built-in scalar; its values are Int32
      const w = await api('/components/plc2/data/phase', { method: 'PUT', json: { data: 1 } });
      expect(w.status, JSON.stringify(w.body)).toBe(200);
      expect(plc.get('Phase')).toBe(1);
      expect((await api('/components/plc2/data/phase', { method: 'PUT', json: { data: 'one' } })).status).toBe(400);
      const text = await api('/components/plc2/data/phase_text');
      expect(text.status).toBe(502);
      expect(text.body.parameters).toMatchObject({ plugin_error_code: 'x-medkit-opcua-type-mismatch', data_type: 'string', server_data_type: 'ns=0;i=852' });
      expect((await status()).type_mismatches.map((m: { data_name: string }) => m.data_name).sort()).toEqual(['mode', 'phase_text']);
    });

    it('feeds triggers and threshold rules', async () => {
      const trig = await api('/components/plc2/triggers', {
        method: 'POST',
        json: { resource: '/api/v1/components/plc2/data/temperature', path: '/data', trigger_condition: { condition_type: 'EnterRange', lower_bound: 80, upper_bound: 200 } },
      });
      expect(trig.status).toBe(201);
      const events = await openSse(`${g.url}${trig.body.event_source}`);
      streams.push(events);
      plc.set('Temperature', 31); // a sample below the range first: entering needs one outside it
      await eventually(async () => (await dataOf('temperature')) === 31, 'the value below the range');
      plc.set('Temperature', 90);
      const fired = await events.nextJson<{ payload: { data: number } }>(15_000);
      expect(fired.payload.data).toBe(90);
      plc.set('Pressure', 7);
      await faultsBecome(['PLC2_OVERPRESSURE'], 'the threshold fault');
      plc.set('Pressure', 1);
      await faultsBecome([], 'the threshold fault to clear');
    });

    it('status_bits: each configured bit raises its fault while set and clears it when reset', async () => {
      plc.setRegister('StatusWord', 0x0001);
      await faultsBecome(['PLC2_PUMP_OVERLOAD'], 'bit 0');
      const f = await api('/faults/PLC2_PUMP_OVERLOAD');
      expect(JSON.stringify(f.body)).toContain('Pump overload');
      plc.setRegister('StatusWord', 0x8001);
      await faultsBecome(['PLC2_DOOR_OPEN', 'PLC2_PUMP_OVERLOAD'], 'bits 0 and 15');
      plc.setRegister('StatusWord', 0x8000 | 0x0002); // bit 0 reset; bit 1 is not mapped
      await faultsBecome(['PLC2_DOOR_OPEN'], 'bit 0 cleared');
      plc.setRegister('StatusWord', 0);
      await faultsBecome([], 'all bits clear');
      const cleared = ((await api('/faults?status=cleared')).body.items as { fault_code: string }[]).map((x) => x.fault_code);
      expect(cleared).toEqual(expect.arrayContaining(['PLC2_PUMP_OVERLOAD', 'PLC2_DOOR_OPEN']));
    });

    it('fault_enum: the value raises its code, a new value clears it and raises the next, 0 and unmapped values none', async () => {
      plc.setRegister('FaultCode', 3);
      await faultsBecome(['PLC2_JAM'], 'value 3');
      plc.setRegister('FaultCode', -7);
      await faultsBecome(['PLC2_NEGATIVE'], 'value -7 replacing 3');
      plc.setRegister('FaultCode', 99); // unmapped: no fault
      await faultsBecome([], 'an unmapped value');
      plc.setRegister('FaultCode', 3);
      await faultsBecome(['PLC2_JAM'], 'value 3 again');
      plc.setRegister('FaultCode', 0);
      await faultsBecome([], 'value 0');
    });

    it('Int64 registers stay exact: 2^63-2 maps to nothing, 2^63-1 raises its code', async () => {
      plc.setRegister('BigCode', 2n ** 63n - 2n);
      await eventually(async () => (await dataOf('big_code')) === '9223372036854775806', '2^63-2 on /data');
      expect(await activeFaults()).toEqual([]); // as a double it would equal 2^63-1
      plc.setRegister('BigCode', 2n ** 63n - 1n);
      await faultsBecome(['PLC2_MAX64'], '2^63-1');
      expect(await dataOf('big_code')).toBe('9223372036854775807');
      plc.setRegister('BigCode', 0);
      await faultsBecome([], 'the Int64 register back to 0');
    });

    it('status_word_width reads an Int16 register as a signed 8-bit value', async () => {
      plc.setRegister('SignedWord', 0x00ff);
      await faultsBecome(['PLC2_SIGNED_MINUS_ONE'], '0x00FF as signed 8-bit -1');
      expect(await dataOf('signed_word')).toBe(255); // the value itself is the server's
      plc.setRegister('SignedWord', 0x0100); // low 8 bits 0
      await faultsBecome([], 'the low byte 0');
    });

    it('a ros2_topic without ROS does not disturb the bridge', async () => {
      plc.set('Temperature', 33);
      await eventually(async () => (await dataOf('temperature')) === 33, 'values still flowing');
      const s = await status();
      expect(s.error_count, JSON.stringify(s)).toBe(errorsAtStart);
    });
});

// Register fault modes (status_bits, fault_enum, status_word_width) and the other data-path keys of the
// opcua configuration, at unit level: every key checked by name with hostile values, fault codes unique
// across all sources, 64-bit values exact, and the edges the fault mapper reports. The end-to-end path
// against a real OPC-UA server is in data-path.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpcuaConfigError, parseOpcuaConfig } from '../src/config.js';
import { OpcuaFaults } from '../src/faults.js';
import { registerSignals, registerValue, type RegisterFaults } from '../src/register-faults.js';
import { fitsDeclared, typeMismatch } from '../src/declared-type.js';
import type { PluginFaultReport } from '@medkit/plugin-api';

const base = { endpoint_url: 'opc.tcp://127.0.0.1:4840' };
const node = (extra: Record<string, unknown>) => ({ ...base, nodes: [{ node_id: 'ns=1;s=R', data_name: 'reg', ...extra }] });
const refused = async (raw: Record<string, unknown>, key: string, says?: string) => {
  const err = await parseOpcuaConfig(raw, {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${key} to be refused`).toBeInstanceOf(OpcuaConfigError);
  expect((err as OpcuaConfigError).key).toBe(key);
  if (says) expect((err as Error).message).toContain(says);
};
const rule = async (extra: Record<string, unknown>) => (await parseOpcuaConfig(node(extra), {})).nodes[0].register_faults as RegisterFaults;
const BITS = { status_bits: [{ bit: 0, fault_code: 'OVERLOAD' }, { bit: 15, fault_code: 'DOOR_OPEN', severity: 'WARNING', message: 'door open' }] };
const ENUM = { fault_enum: [{ value: 1, fault_code: 'JAM' }, { value: -2, fault_code: 'NEG' }, { value: '9223372036854775807', fault_code: 'MAX64' }] };

describe('opcua data-path keys', () => {
  it('polls by default every 1000 ms; clamps poll_interval_ms to 100–60000 instead of refusing it', async () => {
    expect(await parseOpcuaConfig(node({}), {})).toMatchObject({ prefer_subscriptions: false, poll_interval_ms: 1000 });
    const fast = await parseOpcuaConfig({ ...node({}), poll_interval_ms: 5 }, {});
    expect(fast).toMatchObject({ poll_interval_ms: 100, poll_interval_requested_ms: 5 });
    expect((await parseOpcuaConfig({ ...node({}), poll_interval_ms: 3_600_000 }, {})).poll_interval_ms).toBe(60_000);
    expect((await parseOpcuaConfig({ ...node({}), poll_interval_ms: '250', prefer_subscriptions: 'true' }, {})).prefer_subscriptions).toBe(true);
    await refused({ ...node({}), poll_interval_ms: 'soon' }, 'poll_interval_ms');
    await refused({ ...node({}), poll_interval_ms: 250.5 }, 'poll_interval_ms');
    await refused({ ...node({}), poll_interval_ms: true }, 'poll_interval_ms');
    await refused({ ...node({}), prefer_subscriptions: 'yes' }, 'prefer_subscriptions');
  });

  it('checks data_type and ros2_topic by key', async () => {
    const c = await parseOpcuaConfig(node({ data_type: 'int', ros2_topic: '/plc/level' }), {});
    expect(c.nodes[0]).toMatchObject({ data_type: 'int', ros2_topic: '/plc/level' });
    await refused(node({ data_type: 'float64' }), 'nodes[0].data_type');
    await refused(node({ data_type: ['int'] }), 'nodes[0].data_type');
    await refused(node({ ros2_topic: 'relative/name' }), 'nodes[0].ros2_topic');
    await refused(node({ ros2_topic: '/bad name' }), 'nodes[0].ros2_topic');
    await refused(node({ ros2_topic: `/${'x'.repeat(300)}` }), 'nodes[0].ros2_topic');
    await refused(node({ ros2_topic: '/label', data_type: 'string' }), 'nodes[0].ros2_topic');
    await refused(node({ data_type: 'string', alarm: { fault_code: 'A', threshold: 1 } }), 'nodes[0].data_type');
  });

  it('parses status_bits and fault_enum, 64-bit enum values exactly', async () => {
    expect(await rule(BITS)).toEqual({
      mode: 'status_bits',
      bits: [
        { bit: 0, fault_code: 'OVERLOAD', severity: 'ERROR', message: 'reg: status bit 0 set' },
        { bit: 15, fault_code: 'DOOR_OPEN', severity: 'WARNING', message: 'door open' },
      ],
    });
    const e = await rule({ ...ENUM, status_word_width: 64 });
    expect(e).toMatchObject({ mode: 'fault_enum', width: 64 });
    expect(e.mode === 'fault_enum' && e.entries.map((x) => x.value)).toEqual([1n, -2n, 2n ** 63n - 1n]);
  });

  it('refuses bad register fault keys by name', async () => {
    await refused(node({ ...ENUM, status_word_width: 65 }), 'nodes[0].status_word_width', '1–64');
    await refused(node({ ...ENUM, status_word_width: 0 }), 'nodes[0].status_word_width');
    await refused(node({ ...ENUM, status_word_width: 8.5 }), 'nodes[0].status_word_width');
    await refused(node({ status_word_width: 16 }), 'nodes[0].status_word_width', 'only goes with');
    await refused(node({ ...BITS, ...ENUM }), 'nodes[0].fault_enum', 'at most one fault mode');
    await refused(node({ ...BITS, alarm: { fault_code: 'HOT', threshold: 1 } }), 'nodes[0].status_bits', 'at most one fault mode');
    await refused(node({ status_bits: [] }), 'nodes[0].status_bits');
    await refused(node({ status_bits: { bit: 0, fault_code: 'A' } }), 'nodes[0].status_bits');
    await refused(node({ status_bits: Array.from({ length: 65 }, (_, i) => ({ bit: i % 64, fault_code: `B${i}` })) }), 'nodes[0].status_bits', 'at most 64');
    await refused(node({ status_bits: [{ bit: 64, fault_code: 'A' }] }), 'nodes[0].status_bits[0].bit');
    await refused(node({ status_bits: [{ bit: -1, fault_code: 'A' }] }), 'nodes[0].status_bits[0].bit');
    await refused(node({ status_bits: [{ bit: 8, fault_code: 'A' }], status_word_width: 8 }), 'nodes[0].status_bits[0].bit', 'below status_word_width');
    await refused(node({ status_bits: [{ bit: 1, fault_code: 'A' }, { bit: 1, fault_code: 'B' }] }), 'nodes[0].status_bits[1].bit');
    await refused(node({ status_bits: [{ fault_code: 'A' }] }), 'nodes[0].status_bits[0].bit');
    await refused(node({ status_bits: [{ bit: 1, fault_code: 'A', mask: 3 }] }), 'nodes[0].status_bits[0].mask');
    await refused(node({ status_bits: [{ bit: 1, fault_code: 'A', severity: 'FATAL' }] }), 'nodes[0].status_bits[0].severity');
    await refused(node({ status_bits: [{ bit: 1 }] }), 'nodes[0].status_bits[0].fault_code');
    await refused(node({ fault_enum: [{ value: 0, fault_code: 'A' }] }), 'nodes[0].fault_enum[0].value', 'no fault');
    await refused(node({ fault_enum: [{ value: 2 ** 63, fault_code: 'A' }] }), 'nodes[0].fault_enum[0].value', 'quoted');
    await refused(node({ fault_enum: [{ value: '18446744073709551616', fault_code: 'A' }] }), 'nodes[0].fault_enum[0].value', '2^64-1');
    await refused(node({ fault_enum: [{ value: 1.5, fault_code: 'A' }] }), 'nodes[0].fault_enum[0].value');
    await refused(node({ fault_enum: [{ value: 1, fault_code: 'A' }, { value: '1', fault_code: 'B' }] }), 'nodes[0].fault_enum[1].value', 'twice');
    await refused(node({ fault_enum: [{ value: 200, fault_code: 'A' }], status_word_width: 8 }), 'nodes[0].fault_enum[0].value', 'signed 8-bit');
    await refused(node({ fault_enum: Array.from({ length: 257 }, (_, i) => ({ value: i + 1, fault_code: `E${i}` })) }), 'nodes[0].fault_enum', 'at most 256');
    await refused(node({ ...BITS, data_type: 'double' }), 'nodes[0].data_type', 'integer register');
  });

  it('rejects the file when a fault code repeats across any two sources', async () => {
    const alarm = { node_id: 'ns=1;s=P', data_name: 'p', alarm: { fault_code: 'DUP', threshold: 1 } };
    // an alarm and an event alarm
    await refused({ ...base, nodes: [alarm], event_alarms: [{ alarm_source: 'ns=1;s=A', fault_code: 'DUP' }] }, 'event_alarms[0].fault_code', 'used twice');
    // an alarm and a status bit, a status bit and an enum entry, within one register, and comms_lost
    await refused({ ...base, nodes: [alarm, { node_id: 'ns=1;s=W', data_name: 'w', status_bits: [{ bit: 0, fault_code: 'DUP' }] }] }, 'nodes[1].status_bits[0].fault_code');
    await refused(
      { ...base, nodes: [{ node_id: 'ns=1;s=W', data_name: 'w', status_bits: [{ bit: 0, fault_code: 'X' }] }, { node_id: 'ns=1;s=E', data_name: 'e', fault_enum: [{ value: 3, fault_code: 'X' }] }] },
      'nodes[1].fault_enum[0].fault_code',
    );
    await refused(node({ fault_enum: [{ value: 1, fault_code: 'Y' }, { value: 2, fault_code: 'Y' }] }), 'nodes[0].fault_enum[1].fault_code');
    await refused(node({ status_bits: [{ bit: 0, fault_code: 'PLC_COMMS_LOST' }] }), 'nodes[0].status_bits[0].fault_code');
    await refused(
      { ...base, nodes: [{ node_id: 'ns=1;s=E', data_name: 'e', fault_enum: [{ value: 3, fault_code: 'HOT' }] }], event_alarms: [{ alarm_source: 'ns=1;s=A', fault_code: 'HOT' }] },
      'event_alarms[0].fault_code',
    );
  });
});

describe('the node map example of docs/opcua.md', () => {
  it('parses, with every fault mode and data-path key it shows', async () => {
    const doc = readFileSync(new URL('../../../docs/opcua.md', import.meta.url), 'utf8');
    const example = /```yaml\n(area_id:[\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-doc-'));
    try {
      writeFileSync(join(dir, 'plc.yaml'), example!);
      const c = await parseOpcuaConfig({ ...base, node_map_path: join(dir, 'plc.yaml') }, {});
      const modes = c.nodes.map((n) => n.register_faults?.mode ?? (n.alarm ? 'alarm' : '-'));
      expect(modes).toEqual(expect.arrayContaining(['alarm', 'status_bits', 'fault_enum']));
      expect(c.nodes.some((n) => n.ros2_topic && n.data_type)).toBe(true);
      expect(c.nodes.find((n) => n.register_faults?.width === 8)).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('register values and signals', () => {
  it('reads registers as BigInt: 64-bit decimal strings exactly, width as two’s complement', () => {
    expect(registerValue('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(registerValue('18446744073709551615', 64)).toBe(-1n);
    expect(registerValue(65535, 16)).toBe(-1n);
    expect(registerValue(0x8000, 16)).toBe(-32768n);
    expect(registerValue(0x1ff, 8)).toBe(-1n);
    expect(registerValue(-1, 8)).toBe(-1n);
    expect(registerValue(true)).toBe(1n);
    for (const bad of [1.5, 'x', null, undefined, Number.NaN, 2 ** 60, {}]) expect(registerValue(bad)).toBeUndefined();
  });

  it('status bits: one signal per configured bit, negative words as their two’s-complement bits', async () => {
    const r = await rule(BITS);
    const active = (v: unknown) => registerSignals(r, v).filter((s) => s.active).map((s) => s.fault_code);
    expect(active(0)).toEqual([]);
    expect(active(1)).toEqual(['OVERLOAD']);
    expect(active(0x8001)).toEqual(['OVERLOAD', 'DOOR_OPEN']);
    expect(active(-32768)).toEqual(['DOOR_OPEN']); // an Int16 with bit 15 set
    expect(active(2.5)).toEqual([]);
    expect(registerSignals(r, 'garbage')).toEqual([]); // undecidable: no signal at all
    expect(registerSignals(r, 0x8000).find((s) => s.active)).toMatchObject({ severity: 'WARNING', message: 'door open' });
    expect(registerSignals(r, 1).find((s) => s.active)?.message).toBe('reg: status bit 0 set');
    const named = await rule({ ...BITS, display_name: 'Status word' });
    expect(registerSignals(named, 1).find((s) => s.active)?.message).toBe('Status word: status bit 0 set');
  });

  it('fault enum: the value names one code; 0 and unmapped values none; 2^63-1 distinct from 2^63-2', async () => {
    const r = await rule(ENUM);
    const active = (v: unknown) => registerSignals(r, v).filter((s) => s.active).map((s) => s.fault_code);
    expect(active(0)).toEqual([]);
    expect(active(1)).toEqual(['JAM']);
    expect(active(-2)).toEqual(['NEG']);
    expect(active(77)).toEqual([]);
    expect(active('9223372036854775807')).toEqual(['MAX64']);
    expect(active('9223372036854775806')).toEqual([]); // equal to 2^63-1 as doubles: only exact BigInt tells them apart
    const signed = await rule({ fault_enum: [{ value: -1, fault_code: 'MINUS_ONE' }], status_word_width: 16 });
    expect(registerSignals(signed, 65535).filter((s) => s.active).map((s) => s.fault_code)).toEqual(['MINUS_ONE']); // UInt16 0xFFFF read as signed 16-bit
  });

  it('fault_enum_unmapped labels a value no entry maps instead of dropping it (the reference 0.7.0, #486)', async () => {
    const r = await rule({ ...ENUM, fault_enum_unmapped: { fault_code: 'UNKNOWN_FAULT', severity: 'WARNING' } });
    const active = (v: unknown) => registerSignals(r, v).filter((s) => s.active);
    expect(active(77)).toEqual([{ fault_code: 'UNKNOWN_FAULT', active: true, severity: 'WARNING', message: 'unmapped fault code 77' }]);
    expect(active(1).map((s) => s.fault_code)).toEqual(['JAM']);
    expect(active(0)).toEqual([]);
    expect(active('x')).toEqual([]);
    await refused(node({ ...BITS, fault_enum_unmapped: { fault_code: 'U' } }), 'nodes[0].fault_enum_unmapped', 'only goes with fault_enum');
    await refused(node({ fault_enum_unmapped: { fault_code: 'U' } }), 'nodes[0].fault_enum_unmapped', 'only goes with fault_enum');
    await refused(node({ ...ENUM, fault_enum_unmapped: { fault_code: 'JAM' } }), 'nodes[0].fault_enum_unmapped.fault_code');
    await refused(node({ ...ENUM, fault_enum_unmapped: 'UNKNOWN' }), 'nodes[0].fault_enum_unmapped');
    await refused(node({ ...ENUM, fault_enum_unmapped: { fault_code: 'U', message: 'x' } }), 'nodes[0].fault_enum_unmapped.message');
  });

  it('through the fault mapper: raised while set, cleared when reset; a new enum value clears the old code first', async () => {
    const cfg = await parseOpcuaConfig(
      {
        ...base,
        component_id: 'plc',
        nodes: [
          { node_id: 'ns=1;s=W', data_name: 'word', ...BITS },
          { node_id: 'ns=1;s=E', data_name: 'code', ...ENUM },
        ],
      },
      {},
    );
    const log: string[] = [];
    const sink = {
      report: (r: PluginFaultReport) => (log.push(`${r.event} ${r.fault_code}`), true),
      clear: (c: string) => (log.push(`CLEAR ${c}`), true),
    };
    const f = new OpcuaFaults(cfg, sink, { info: () => {}, warn: () => {}, error: () => {} }, (s) => s);
    const [word, code] = cfg.nodes;
    for (const v of [0, 1, 1, 0x8001, 0x8000, 'garbage', 0]) f.onValue(word, v);
    expect(log).toEqual(['FAILED OVERLOAD', 'FAILED DOOR_OPEN', 'PASSED OVERLOAD', 'CLEAR OVERLOAD', 'PASSED DOOR_OPEN', 'CLEAR DOOR_OPEN']);
    log.length = 0;
    for (const v of [1, -2, '9223372036854775807', 0]) f.onValue(code, v);
    expect(log).toEqual(['FAILED JAM', 'PASSED JAM', 'CLEAR JAM', 'FAILED NEG', 'PASSED NEG', 'CLEAR NEG', 'FAILED MAX64', 'PASSED MAX64', 'CLEAR MAX64']);
    // Taken over from an earlier run and healed by the first value.
    log.length = 0;
    f.adopt([{ code: 'JAM', entity: 'plc' }, { code: 'OVERLOAD', entity: 'plc' }]);
    f.onValue(code, 0);
    f.onValue(word, 0);
    expect(log).toEqual(['PASSED JAM', 'CLEAR JAM', 'PASSED OVERLOAD', 'CLEAR OVERLOAD']);
  });
});

describe('declared data types', () => {
  it('bool, int, string, double against the server built-in types', () => {
    expect(fitsDeclared('int', 'Int64')).toBe(true);
    expect(fitsDeclared('double', 'Int32')).toBe(true);
    expect(fitsDeclared('double', 'Int64')).toBe(false); // not exact as a double: declare int
    expect(fitsDeclared('bool', 'Byte')).toBe(false);
    expect(fitsDeclared('string', 'String')).toBe(true);
    expect(typeMismatch({ data_type: 'bool' }, 'Int16', 'ns=0;i=4')).toContain('declares data_type bool, the server\'s DataType is Int16');
    expect(typeMismatch({ register_faults: {} }, 'Double', 'ns=0;i=11')).toContain('integer register');
    expect(typeMismatch({ data_type: 'int' }, undefined, 'ns=0;i=29')).toContain('ns=0;i=29');
    expect(typeMismatch({}, 'Double', 'ns=0;i=11')).toBeUndefined();
  });
});

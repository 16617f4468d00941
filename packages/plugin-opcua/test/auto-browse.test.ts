// `auto_browse` (docs/opcua.md "auto_browse"): the data items discovered from a real node-opcua server's
// address space — scalar variables of supported types under Objects (standard namespace-0 nodes, the
// alarm condition's fields and properties such as the DI nameplate left out), data names derived from the
// browse path, sanitised and unique, writable from AccessLevel, configured nodes kept as configured, and the
// depth and variable bounds holding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveDataName } from '../src/browse.js';
import { parseOpcuaConfig } from '../src/config.js';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';
import { opcuaGateway, plcStatusWhen } from './bridge-gateway.js';
import { PlcServer } from './plc-server.js';

let plc: PlcServer;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  plc = await PlcServer.start(0, undefined, {
    folder: { name: 'Line 2', variables: ['Tank Level (mm)', 'Tank-Level mm', '2nd Sensor', '\u0007Ω'], array: 'History' },
    device: { name: 'TankLine', properties: { Manufacturer: 'Acme', SerialNumber: 'SN-1' } },
  });
}, 60_000);

afterAll(async () => {
  for (const g of gateways) await g.close();
  await plc?.stop().catch(() => {});
});

const gateway = (component: string, flags: Record<string, unknown>) => opcuaGateway(gateways, { endpoint_url: plc.endpoint, component_id: component, auto_browse: true, ...flags });

type Item = { id: string; name: string; 'x-medkit': { writable: boolean; opcua: { node_id: string } } };
async function items(g: TestGateway, component: string): Promise<Item[]> {
  const status = await plcStatusWhen(g, component, (s) => s.connected === true, 'the browse and the connection');
  expect(status.auto_browse).toMatchObject({ done: true });
  return (await http(`${g.url}/api/v1/components/${component}/data`)).body.items as Item[];
}

describe('auto_browse data names', () => {
  it('derives sanitised, unique names within the data_name rule', () => {
    const taken = new Set<string>(['plc_temperature']);
    expect(deriveDataName(['PLC', 'Temperature'], 'ns=1;s=a', taken)).toBe('plc_temperature_2');
    expect(deriveDataName(['Line 2', 'Tank Level (mm)'], 'ns=1;s=b', taken)).toBe('line_2_tank_level_mm');
    expect(deriveDataName(['Line 2', 'Tank-Level mm'], 'ns=1;s=c', taken)).toBe('line_2_tank_level_mm_2');
    expect(deriveDataName(['2nd'], 'ns=1;s=d', taken)).toBe('n_2nd');
    expect(deriveDataName(['Ω'], 'ns=1;s=e', taken)).toBe('node');
    const long = deriveDataName(['A'.repeat(200)], 'ns=1;s=f', taken);
    expect(long).toHaveLength(64);
    expect(deriveDataName(['A'.repeat(200)], 'ns=1;s=g', taken)).not.toBe(long);
    for (const n of taken) expect(n).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  });

  it('config: bounds within hard caps, a NodeId root, no nodes needed', async () => {
    const cfg = await parseOpcuaConfig({ endpoint_url: 'opc.tcp://127.0.0.1:4840', auto_browse: true });
    expect(cfg).toMatchObject({ auto_browse: true, browse_root: 'i=85', browse_max_depth: 5, browse_max_variables: 1000, nodes: [] });
    await expect(parseOpcuaConfig({ endpoint_url: 'opc.tcp://x', auto_browse: true, browse_max_depth: 11 })).rejects.toThrow(/browse_max_depth: must be an integer 1–10/);
    await expect(parseOpcuaConfig({ endpoint_url: 'opc.tcp://x', auto_browse: true, browse_max_variables: 1001 })).rejects.toThrow(/browse_max_variables: must be an integer 1–1000/);
    await expect(parseOpcuaConfig({ endpoint_url: 'opc.tcp://x', auto_browse: true, browse_root: 'PLC' })).rejects.toThrow(/browse_root/);
    await expect(parseOpcuaConfig({ endpoint_url: 'opc.tcp://x' })).rejects.toThrow(/nothing to bridge/);
  });
});

describe('auto_browse against a real server', () => {
  it('maps the scalar variables under Objects to data items, writable from AccessLevel', async () => {
    const g = await gateway('browsed_plc', {});
    const list = await items(g, 'browsed_plc');
    const byId = new Map(list.map((i) => [i.id, i]));
    expect([...byId.keys()].sort()).toEqual(
      [
        'line_2_2nd_sensor', 'line_2', 'line_2_tank_level_mm', 'line_2_tank_level_mm_2', 'plc_counter', 'plc_label', 'plc_mode', 'plc_pressure', 'plc_setpoint', 'plc_temperature',
        // The registers of the register-fault tests (UInt16, Int16, Int32, Int64).
        'plc_statusword', 'plc_signedword', 'plc_faultcode', 'plc_bigcode',
      ].sort(),
    );
    expect(byId.get('plc_setpoint')!['x-medkit'].writable).toBe(true);
    expect(byId.get('plc_temperature')!['x-medkit'].writable).toBe(false);
    expect(byId.get('plc_temperature')!['x-medkit'].opcua.node_id).toBe('ns=1;s=Temperature');
    expect(byId.get('line_2_tank_level_mm')!.name).toBe('Line 2/Tank Level (mm)');
    const r = await http(`${g.url}/api/v1/components/browsed_plc/data/plc_temperature`);
    expect(r.body.data).toBe(21.5);
    // Empty segments (\u0007Ω) drop out of the name; its display name keeps what is printable.
    expect(byId.get('line_2')!.name).toBe('Line 2/Ω');
    // A discovered writable item is writable through /data and has its set_ operation.
    const w = await http(`${g.url}/api/v1/components/browsed_plc/data/plc_setpoint`, { method: 'PUT', json: { data: 55 } });
    expect(w.status).toBe(200);
    expect(plc.get('Setpoint')).toBe(55);
    const ops = await http(`${g.url}/api/v1/components/browsed_plc/operations`);
    expect((ops.body.items as { id: string }[]).map((o) => o.id)).toContain('set_plc_setpoint');
  }, 120_000);

  it('keeps configured nodes as configured, and stops at the variable bound and the depth bound', async () => {
    const g = await gateway('bounded_plc', {
      browse_root: 'ns=1;s=PLC',
      browse_max_variables: 2,
      nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'tank_temp', unit: 'C' }],
    });
    const list = await items(g, 'bounded_plc');
    expect(list.map((i) => i.id)).toContain('tank_temp');
    expect(list.filter((i) => i['x-medkit'].opcua.node_id === 'ns=1;s=Temperature')).toHaveLength(1);
    expect(list).toHaveLength(3);
    const status = await http(`${g.url}/api/v1/components/bounded_plc/x-plc-status`);
    expect(status.body.auto_browse).toMatchObject({ root: 'ns=1;s=PLC', node_count: 2, truncated: true });

    const shallow = await gateway('shallow_plc', { browse_max_depth: 1 });
    expect(await items(shallow, 'shallow_plc')).toEqual([]);
  }, 120_000);
});

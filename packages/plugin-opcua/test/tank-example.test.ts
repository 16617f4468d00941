// The worked example of examples/opcua (the tree of docs/opcua.md) as users run it: the simulated OpenPLC
// tank (tank-plc.mjs) as a real child process on a free port, and a gateway with the example's own
// gateway.yaml and node-map.yaml. Proves the tree, a read with its unit, an operation reaching the PLC (read
// back with an independent OPC-UA client), a threshold fault raised by the simulation and healed after the
// fix, and a PLC crash and restart (disconnected, then reconnected).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { readTag, startPlc, startTankGateway, stopPlc, type Plc } from './tank-plc.js';

let plc: Plc;
let g: TestGateway;
const port = () => Number(new URL(plc.endpoint.replace(/^opc\.tcp:/, 'http:')).port);

beforeAll(async () => {
  plc = await startPlc(0);
  g = await startTankGateway(plc);
}, 120_000);

afterAll(async () => {
  await g?.close();
  await stopPlc(plc);
});

const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);
const status = async () => (await api('/components/openplc_runtime/x-plc-status')).body as { connected: boolean };
const operation = (app: string, name: string, value: number) => api(`/apps/${app}/operations/${name}/executions`, { method: 'POST', json: { parameters: { value } } });
const activeFaults = async () => ((await api('/faults')).body.items as { fault_code: string }[]).map((f) => f.fault_code);

describe('the OpenPLC tank example (examples/opcua)', () => {
  it('shows the tree of docs/opcua.md: plc_systems → openplc_runtime → three Apps', async () => {
    await eventually(async () => (await status()).connected, 'the gateway to connect to the PLC', 60_000);
    const components = await api('/areas/plc_systems/components');
    expect(components.status).toBe(200);
    expect(components.body.items.map((c: { id: string }) => c.id)).toEqual(['openplc_runtime']);
    const hosts = await api('/components/openplc_runtime/hosts');
    expect(hosts.body.items.map((a: { id: string }) => a.id).sort()).toEqual(['drain_valve', 'fill_pump', 'tank_process']);
    const data = await api('/apps/tank_process/data');
    expect(data.body.items.map((i: { id: string }) => i.id)).toEqual(['tank_level', 'tank_temperature', 'tank_pressure']);
    const ops = await api('/apps/drain_valve/operations');
    expect(ops.body.items.map((o: { id: string }) => o.id)).toEqual(['set_valve_position']);
    // The nameplate the simulated PLC announces in its BuildInfo.
    expect((await api('/components/openplc_runtime')).body['x-medkit'].identity).toMatchObject({ model: 'OpenPLC Runtime (simulated tank)' });
  });

  it('reads tank_level as a number in mm', async () => {
    const r = await api('/apps/tank_process/data/tank_level');
    expect(r.status).toBe(200);
    expect(typeof r.body.data).toBe('number');
    expect(r.body.data).toBeGreaterThan(0);
    expect(r.body['x-medkit']).toMatchObject({ unit: 'mm', connected: true, stale: false });
  });

  it('set_pump_speed through /operations changes the PLC tag; out of range is refused', async () => {
    const r = await operation('fill_pump', 'set_pump_speed', 73);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.parameters).toMatchObject({ status: 'success', value_written: 73 });
    expect(await readTag(plc.endpoint, 'pump_speed')).toBe(73);
    expect((await operation('fill_pump', 'set_pump_speed', 150)).status).toBe(400);
    expect(await readTag(plc.endpoint, 'pump_speed')).toBe(73);
  });

  it('pump at 100 % against a closed valve raises PLC_OVERPRESSURE; opening the valve heals it', async () => {
    expect((await operation('drain_valve', 'set_valve_position', 0)).status).toBe(200);
    expect((await operation('fill_pump', 'set_pump_speed', 100)).status).toBe(200);
    await eventually(async () => (await activeFaults()).includes('PLC_OVERPRESSURE'), 'PLC_OVERPRESSURE to be raised', 60_000);
    const fault = (await api('/faults')).body.items.find((f: { fault_code: string }) => f.fault_code === 'PLC_OVERPRESSURE');
    // Reported by the App serving the pressure tag (the spec's example tree), seen from its component too.
    expect(fault).toMatchObject({ severity_label: 'critical', reporting_sources: ['tank_process'], entity_id: 'tank_process' });
    for (const scope of ['/apps/tank_process', '/components/openplc_runtime', '/areas/plc_systems']) {
      expect((await api(`${scope}/faults`)).body.items.map((f: { fault_code: string }) => f.fault_code), scope).toContain('PLC_OVERPRESSURE');
    }
    expect((await api('/apps/fill_pump/faults')).body.items.map((f: { fault_code: string }) => f.fault_code)).not.toContain('PLC_OVERPRESSURE');
    expect((await operation('drain_valve', 'set_valve_position', 80)).status).toBe(200);
    expect((await operation('fill_pump', 'set_pump_speed', 40)).status).toBe(200);
    await eventually(async () => !(await activeFaults()).includes('PLC_OVERPRESSURE'), 'PLC_OVERPRESSURE to heal', 60_000);
    const cleared = await api('/faults?status=cleared');
    expect(cleared.body.items.map((f: { fault_code: string }) => f.fault_code)).toContain('PLC_OVERPRESSURE');
  });

  it('a killed PLC marks the component disconnected; started again, it reconnects', async () => {
    const samePort = port();
    plc.child.kill('SIGKILL');
    await plc.exited;
    await eventually(async () => (await status()).connected === false, 'x-plc-status to say disconnected', 30_000);
    const stale = await api('/apps/tank_process/data/tank_level');
    expect(stale.body['x-medkit']).toMatchObject({ connected: false, stale: true });
    plc = await startPlc(samePort);
    await eventually(async () => (await status()).connected, 'the gateway to reconnect', 60_000);
    await eventually(async () => (await api('/apps/tank_process/data/tank_level')).body['x-medkit']?.stale === false, 'fresh values after the restart', 30_000);
  });
});

// Issue 23 point 7: a PLC that hangs instead of crashing. The simulated tank (tank-plc.mjs) runs as a real
// child process and is stopped with SIGSTOP: its TCP connection stays open and nothing is answered, so only
// missed deadlines can tell. The gateway must mark the component not connected and its data stale, raise
// PLC_COMMS_LOST, answer a write sent into the hang with "outcome unknown" (not a plain timeout), and after
// SIGCONT reconnect and report, from a read-back, whether that write was applied. The SIGSTOP lasts until
// the detection is seen (well above the configured deadlines: request 400 ms, keep-alive every 200 ms).
// Also: the first connect's local set-up (PKI, client certificate) does not count against connect_timeout_ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import clientLib from 'node-opcua-client';
import certLib from 'node-opcua-certificate-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { readTag, startPlc, startTankGateway, stopPlc, type Plc } from './tank-plc.js';
import { OpcuaConnection } from '../src/connection.js';
import type { OpcuaLib } from '../src/lib.js';
import { parseOpcuaConfig } from '../src/config.js';
import { PlcServer } from './plc-server.js';

const COMPONENT = 'openplc_runtime';

// Polling (the default) and subscription mode: without poll reads only the keep-alive reads can miss.
describe.each([
  { mode: 'polling', prefer_subscriptions: false },
  { mode: 'subscription', prefer_subscriptions: true },
])('a hung PLC (SIGSTOP), $mode', ({ prefer_subscriptions }) => {
  let plc: Plc;
  let g: TestGateway;
  let stopped = false;
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);
  const status = async () => (await api(`/components/${COMPONENT}/x-plc-status`)).body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const activeFaults = async () => ((await api('/faults')).body.items as { fault_code: string }[]).map((f) => f.fault_code);

  beforeAll(async () => {
    plc = await startPlc(0);
    g = await startTankGateway(plc, {
      'plugins.opcua.request_timeout_ms': 400,
      'plugins.opcua.keepalive_interval_ms': 200,
      'plugins.opcua.keepalive_max_missed': 2,
      'plugins.opcua.comms_lost_debounce_ms': 200,
      'plugins.opcua.prefer_subscriptions': prefer_subscriptions,
    });
    await eventually(async () => (await status()).connected === true, 'the gateway to connect to the PLC', 60_000);
  }, 120_000);

  afterAll(async () => {
    if (stopped) plc?.child.kill('SIGCONT');
    await g?.close();
    await stopPlc(plc);
  });

  it('is detected: not connected, stale data, PLC_COMMS_LOST; a write into the hang is "outcome unknown", then read back after SIGCONT', async () => {
    await eventually(async () => (await api('/apps/tank_process/data/tank_level')).body['x-medkit']?.stale === false, 'fresh values', 30_000);
    expect(await readTag(plc.endpoint, 'pump_speed')).not.toBe(42);

    plc.child.kill('SIGSTOP');
    stopped = true;
    // Sent into the hang: no answer within request_timeout_ms.
    const write = await api('/apps/fill_pump/operations/set_pump_speed/executions', { method: 'POST', json: { parameters: { value: 42 } } });
    expect(write.status, JSON.stringify(write.body)).toBe(504);
    expect(write.body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-opcua-write-outcome-unknown', parameters: { data_id: 'pump_speed', value_sent: 42 } });

    const down = await eventually(async () => {
      const s = await status();
      return s.connected === false ? s : undefined;
    }, 'x-plc-status to say not connected', 30_000);
    expect(down.state).not.toBe('connected');
    expect(down.last_error).toMatch(/not responding|did not answer|connect/);
    const stale = await api('/apps/tank_process/data/tank_level');
    expect(stale.body['x-medkit']).toMatchObject({ connected: false, stale: true });
    await eventually(async () => (await activeFaults()).includes('PLC_COMMS_LOST'), 'PLC_COMMS_LOST to be raised', 30_000);
    expect((await status()).write_checks.pending).toMatchObject([{ data_id: 'pump_speed', value_sent: 42, outcome: 'pending' }]);

    plc.child.kill('SIGCONT');
    stopped = false;
    await eventually(async () => (await status()).connected === true, 'the gateway to reconnect', 60_000);
    const check = await eventually(async () => {
      const recent = (await status()).write_checks?.recent as Record<string, unknown>[] | undefined;
      return recent?.find((c) => c.data_id === 'pump_speed');
    }, 'the timed-out write to be read back', 30_000);
    // Whatever happened to it, what is reported is what the PLC holds.
    const held = await readTag(plc.endpoint, 'pump_speed');
    expect(check.value_read).toBe(held);
    expect(check.outcome).toBe(held === 42 ? 'applied' : 'not_applied');
    await eventually(async () => !(await activeFaults()).includes('PLC_COMMS_LOST'), 'PLC_COMMS_LOST to heal', 30_000);
    await eventually(async () => (await api('/apps/tank_process/data/tank_level')).body['x-medkit']?.stale === false, 'fresh values after SIGCONT', 30_000);
  }, 180_000);
});

describe('the first connect', () => {
  let server: PlcServer | undefined;
  let conn: OpcuaConnection | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await conn?.stop();
    await server?.stop().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('does not count the local set-up (PKI, client certificate) against connect_timeout_ms', async () => {
    server = await PlcServer.start();
    const pki = mkdtempSync(join(tmpdir(), 'medkit-opcua-pki-'));
    dirs.push(pki);
    // The real library, its certificate set-up made slower than the connect deadline (a busy machine).
    const real = clientLib as unknown as OpcuaLib;
    const create = (options: Parameters<OpcuaLib['OPCUAClient']['create']>[0]) => {
      const client = real.OPCUAClient.create(options) as unknown as { initializeCM(): Promise<void> };
      const init = client.initializeCM.bind(client);
      // Slow the first time only, as the real one is (it creates the certificate once; later calls find it).
      let first = true;
      client.initializeCM = async () => {
        if (first) await new Promise((r) => setTimeout(r, 5000));
        first = false;
        await init();
      };
      return client;
    };
    const slow = { ...real, OPCUAClient: { create } } as unknown as OpcuaLib;
    const cfg = await parseOpcuaConfig({ endpoint_url: server.endpoint, connect_timeout_ms: 2000, pki_dir: pki, nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }] }, {});
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    conn = new OpcuaConnection(slow, certLib as never, cfg, { onConnected: async () => undefined, onDisconnected: () => undefined }, log as never);
    conn.start();
    await eventually(async () => (conn!.state === 'connected' || conn!.errorCount > 0 ? true : undefined), 'the first attempt to end', 60_000);
    expect(conn.lastError).toBeUndefined();
    expect(conn.errorCount).toBe(0);
    expect(conn.state).toBe('connected');
  }, 90_000);
});

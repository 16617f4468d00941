// Tools whose backends only exist with their features configured, driven through /mcp on a real gateway
// (the example AMR manifest, real child processes, real SQLite), as an SDK client would: diagnostic
// scripts (upload → run → status → stop → delete), software updates with the built-in script provider
// (register → prepare → execute, automated, status, delete), communication logs, and the manifest's mode
// table. Without ROS there is no lifecycle node: a lifecycle request answers the gateway's own error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { waitFor, type Body } from '../scripts/helpers.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

let gw: TestGateway;
let work: string;
let agent: Client;

interface Answer {
  isError: boolean;
  json: Body;
}

async function call(name: string, args: Record<string, unknown>): Promise<Answer> {
  const r = (await agent.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[]; structuredContent?: Body };
  const json = JSON.parse(r.content[0].text) as Body;
  // An error carries the same JSON in structuredContent (x-medkit-mcp.error).
  if (r.isError) expect(r.structuredContent?.['x-medkit-mcp']?.error).toEqual(json);
  return { isError: r.isError === true, json };
}

/** A call that must succeed; its JSON answer. */
async function ok(name: string, args: Record<string, unknown>): Promise<Body> {
  const r = await call(name, args);
  expect(r.isError, `${name}: ${JSON.stringify(r.json)}`).toBe(false);
  return r.json;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'medkit-mcp-backends-'));
  mkdirSync(join(work, 'packages', 'nav'), { recursive: true });
  writeFileSync(join(work, 'packages', 'nav', 'ok.sh'), 'echo "MEDKIT_PROGRESS 100 done"\n');
  gw = await startTestGateway({
    defaults: true,
    flags: {
      'mcp.enabled': true,
      'discovery.manifest_path': MANIFEST,
      'discovery.mode': 'manifest_only',
      'ui.enabled': false,
      // The scripts coordinate with the test through files in a private temp dir (see scripts/sandbox.test.ts for the sandbox).
      'scripts.scripts_dir': join(work, 'scripts'),
      'scripts.sandbox.mode': 'off',
      'scripts.kill_grace_sec': 0.5,
      'updates.enabled': true,
      'updates.packages_dir': join(work, 'packages'),
    },
  });
  const base = gw.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '');
  agent = new Client({ name: 'backends-test', version: '1.0.0' });
  await agent.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { 'X-Client-Id': 'agent-b' } } }));
  // Listed first, so the SDK client checks every answer's structuredContent (errors too) against the output schemas.
  await agent.listTools();
}, 60_000);

afterAll(async () => {
  await agent?.close().catch(() => undefined);
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('MCP tools on configured backends', () => {
  it('scripts: upload, list, get, run to completion, run and stop, delete the runs and the script', async () => {
    const target = { entity_type: 'components', entity_id: 'main-computer' };
    const gate = join(work, 'gate');
    // Waits for the gate file named by its first argument, so a run is observably running until the test opens it.
    const script = '#!/bin/sh\necho "MEDKIT_PROGRESS 20 waiting"\nwhile [ ! -f "$1" ]; do sleep 0.05; done\necho \'{"checked": true}\'\n';
    const metadata = { name: 'Gate check', parameters_schema: { type: 'object', properties: { gate: { type: 'string' } }, required: ['gate'] }, args: [{ name: 'gate', type: 'positional' }] };
    const uploaded = await ok('sovd_scripts_upload', { ...target, filename: 'gate_check.sh', content: script, metadata });
    expect(uploaded.id).toBe('gate_check');
    expect((await ok('ros2_medkit_scripts_list', target)).items.map((s: Body) => s.id)).toContain('gate_check');
    expect((await ok('sovd_scripts_get', { ...target, script_id: 'gate_check' })).parameters_schema.required).toEqual(['gate']);

    const one = { ...target, script_id: 'gate_check' };
    const done = await ok('ros2_medkit_scripts_execute', { ...one, parameters: { gate } });
    expect(done['x-medkit-mcp'].location).toMatch(/\/scripts\/gate_check\/executions\//);
    await waitFor(async () => ((await ok('sovd_scripts_execution_status', { ...one, execution_id: done.id })).progress === 20 ? true : undefined), 'first run waiting at the gate');
    writeFileSync(gate, '');
    const completed = await waitFor(async () => {
      const s = await ok('sovd_scripts_execution_status', { ...one, execution_id: done.id });
      return s.status === 'running' ? undefined : s;
    }, 'first run finished');
    expect(completed.status).toBe('completed');
    expect(JSON.stringify(completed)).toContain('"checked":true');

    rmSync(gate);
    const run = await ok('sovd_scripts_execute', { ...one, parameters: { gate } });
    expect((await ok('ros2_medkit_scripts_execution_status', { ...one, execution_id: run.id })).status).toBe('running');
    await ok('ros2_medkit_scripts_execution_control', { ...one, execution_id: run.id, action: 'stop' });
    const stopped = await waitFor(async () => {
      const s = await ok('sovd_scripts_execution_status', { ...one, execution_id: run.id });
      return s.status === 'running' ? undefined : s;
    }, 'stopped run finished');
    expect(stopped.status).not.toBe('completed');

    for (const execution_id of [done.id, run.id]) await ok('sovd_scripts_execution_delete', { ...one, execution_id });
    expect((await call('sovd_scripts_execution_status', { ...one, execution_id: run.id })).json).toMatchObject({ error_code: 'resource-not-found', status: 404 });
    await ok('ros2_medkit_scripts_delete', one);
    expect((await call('sovd_scripts_get', one)).json).toMatchObject({ error_code: 'resource-not-found', status: 404 });
  });

  it('updates: register, prepare, execute, status, automated, delete', async () => {
    const steps = { prepare: { path: 'nav/ok.sh' }, execute: { path: 'nav/ok.sh' } };
    await ok('sovd_updates_register', { update: { id: 'nav-2_0', update_name: 'Navigation 2.0', automated: false, origins: ['remote'], target_version: '2.0', 'x-medkit': steps } });
    expect((await ok('ros2_medkit_updates_list', { target_version: '2.0' })).items).toEqual(['nav-2_0']);
    expect((await ok('sovd_updates_get', { update_id: 'nav-2_0' })).update_name).toBe('Navigation 2.0');
    expect((await ok('sovd_updates_status', { update_id: 'nav-2_0' })).status).toBe('pending');
    const settled = (phase: string) =>
      waitFor(async () => {
        const s = await ok('ros2_medkit_updates_status', { update_id: 'nav-2_0' });
        return s.status !== 'inProgress' && s['x-medkit']?.phase === phase ? s : undefined;
      }, `update ${phase}`);
    expect((await ok('sovd_updates_prepare', { update_id: 'nav-2_0' }))['x-medkit-mcp']).toMatchObject({ http_status: 202 });
    expect((await settled('prepared')).status).toBe('completed');
    await ok('ros2_medkit_updates_execute', { update_id: 'nav-2_0' });
    expect((await settled('executed')).status).toBe('completed');
    // Not automated: the gateway's refusal comes back as the tool's error.
    expect((await call('sovd_updates_automated', { update_id: 'nav-2_0' })).json).toMatchObject({ source: 'gateway', status: 400, details: { vendor_code: 'x-medkit-update-not-automated' } });
    await ok('sovd_updates_delete', { update_id: 'nav-2_0' });
    expect((await call('sovd_updates_get', { update_id: 'nav-2_0' })).json).toMatchObject({ error_code: 'resource-not-found' });

    await ok('ros2_medkit_updates_register', { update: { id: 'auto-1', automated: true, 'x-medkit': steps } });
    await ok('sovd_updates_automated', { update_id: 'auto-1' });
    const auto = await waitFor(async () => {
      const s = await ok('sovd_updates_status', { update_id: 'auto-1' });
      return s.status !== 'inProgress' && s['x-medkit']?.phase === 'executed' ? s : undefined;
    }, 'automated update executed');
    expect(auto.status).toBe('completed');
    await ok('ros2_medkit_updates_delete', { update_id: 'auto-1' });
  });

  it("updates under the reference server's names: update_config, and config taken but not sent (as the reference does)", async () => {
    const steps = { prepare: { path: 'nav/ok.sh' }, execute: { path: 'nav/ok.sh' } };
    const api = `${gw.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '')}/api/v1`;
    const status = async () => (await (await fetch(`${api}/updates/ref-1/status`)).json()) as Body;
    const settled = (phase: string) => waitFor(async () => {
      const s = await status();
      return s.status !== 'inProgress' && s['x-medkit']?.phase === phase ? s : undefined;
    }, `update ${phase}`);
    await ok('ros2_medkit_register_update', { update_config: { id: 'ref-1', update_name: 'Reference 1', automated: false, origins: ['remote'], 'x-medkit': steps } });
    expect((await (await fetch(`${api}/updates/ref-1`)).json()).update_name).toBe('Reference 1');
    expect((await ok('ros2_medkit_list_updates', {})).items).toContain('ref-1');
    expect((await ok('sovd_get_update', { update_id: 'ref-1' })).update_name).toBe('Reference 1');
    expect((await ok('ros2_medkit_get_update_status', { update_id: 'ref-1' })).status).toBe('pending');
    await ok('ros2_medkit_prepare_update', { update_id: 'ref-1', config: { verify_checksum: true } });
    expect((await settled('prepared')).status).toBe('completed');
    await ok('ros2_medkit_execute_update', { update_id: 'ref-1', config: {} });
    expect((await settled('executed')).status).toBe('completed');
    await ok('ros2_medkit_delete_update', { update_id: 'ref-1' });
    expect((await fetch(`${api}/updates/ref-1`)).status).toBe(404);
    await ok('sovd_register_update', { update_config: { id: 'ref-auto', automated: true, 'x-medkit': steps } });
    await ok('ros2_medkit_automate_update', { update_id: 'ref-auto', config: {} });
    await waitFor(async () => {
      const s = (await (await fetch(`${api}/updates/ref-auto/status`)).json()) as Body;
      return s.status !== 'inProgress' && s['x-medkit']?.phase === 'executed' ? s : undefined;
    }, 'automated update executed');
    await ok('ros2_medkit_delete_update', { update_id: 'ref-auto' });
  });

  it('communication logs: start, list, read, stop, resume, delete', async () => {
    const app = { entity_type: 'apps', entity_id: 'motor-driver' };
    const log = await ok('sovd_communication_logs_create', { ...app, protocol: 'dds' });
    expect(log).toMatchObject({ protocol: 'dds', status: 'running' });
    expect(log['x-medkit-mcp'].location).toMatch(/\/apps\/motor-driver\/communication-logs\//);
    const one = { ...app, communication_log_id: log.id };
    expect((await ok('ros2_medkit_communication_logs_list', app)).items.map((l: Body) => l.id)).toEqual([log.id]);
    expect((await ok('sovd_communication_logs_get', one)).events).toBeInstanceOf(Array);
    expect((await ok('ros2_medkit_communication_logs_update', { ...one, status: 'stopped' })).status).toBe('stopped');
    expect((await ok('sovd_communication_logs_update', { ...one, status: 'running' })).status).toBe('running');
    const bad = await call('sovd_communication_logs_update', { ...one, status: 'paused' });
    expect(bad.json).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
    await ok('ros2_medkit_communication_logs_delete', one);
    expect((await call('sovd_communication_logs_get', one)).json).toMatchObject({ error_code: 'resource-not-found', status: 404 });
  });

  it('modes: the manifest mode table read and set; the lifecycle without a lifecycle node answers the gateway error', async () => {
    const app = { entity_type: 'apps', entity_id: 'motor-driver' };
    expect((await ok('sovd_modes_list', app)).items.map((m: Body) => m.id)).toEqual(['lifecycle', 'drive_mode']);
    expect((await ok('ros2_medkit_modes_get', { ...app, mode_id: 'drive_mode' })).value).toBe('manual');
    expect((await ok('sovd_modes_set', { ...app, mode_id: 'drive_mode', value: 'auto' })).value).toBe('auto');
    expect((await ok('sovd_modes_get', { ...app, mode_id: 'drive_mode' })).value).toBe('auto');
    expect((await call('sovd_modes_set', { ...app, mode_id: 'drive_mode', value: 'warp' })).json).toMatchObject({ source: 'gateway', status: 400 });
    expect((await ok('ros2_medkit_lifecycle_status', app)).status).toBe('notReady');
    expect((await call('sovd_modes_set', { ...app, mode_id: 'lifecycle', value: 'active' })).json).toMatchObject({ source: 'gateway', status: 501 });
  });
});

// Scripts routes dispatch to a plugin's ScriptProvider (docs/plugins.md, docs/scripts.md): the owner's provider for the
// entities it owns, and the first plugin's for every other entity (it replaces the built-in backend). The
// routes keep their entity validation and lock check; absent optional methods answer 501; the feature stays
// off (501) without scripts.scripts_dir even with a plugin backend (docs/scripts.md).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import { PLUGIN_API_VERSION, PluginError, type MedkitPlugin, type PluginEntityRef, type PluginModule, type ScriptProvider } from '@medkit/plugin-api';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';

class PlcScripts implements MedkitPlugin, ScriptProvider {
  calls: string[] = [];
  executions = new Map<string, { id: string; status: string }>();
  name() {
    return 'plc-scripts';
  }
  configure() {}
  introspect() {
    return { new_entities: { apps: [{ id: 'plc_app', name: 'PLC' }] } };
  }
  listScripts(e: PluginEntityRef) {
    this.calls.push(`list ${e.type}/${e.id}`);
    return { items: [{ id: 'flush_buffers', name: `Flush buffers of ${e.id}` }] };
  }
  getScript(e: PluginEntityRef, id: string) {
    if (id !== 'flush_buffers') throw new PluginError('resource-not-found', `no script ${id}`, 404);
    return { id, name: 'Flush buffers', managed: true };
  }
  startExecution(e: PluginEntityRef, id: string, req: { execution_type: string; parameters?: unknown }) {
    this.calls.push(`start ${e.id} ${id} ${JSON.stringify(req)}`);
    const x = { id: `plc_exec_${this.executions.size + 1}`, status: 'running' };
    this.executions.set(x.id, x);
    return x;
  }
  getExecution(_e: PluginEntityRef, _id: string, executionId: string) {
    const x = this.executions.get(executionId);
    if (!x) throw new PluginError('resource-not-found', `no execution ${executionId}`, 404);
    return x;
  }
  controlExecution(_e: PluginEntityRef, _id: string, executionId: string, action: string) {
    const x = this.getExecution(_e, _id, executionId);
    x.status = action === 'stop' ? 'stopped' : 'killed';
    return x;
  }
}

const gateways: TestGateway[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(plugin: PlcScripts, scriptsDir: boolean) {
  const module: PluginModule = { pluginApiVersion: PLUGIN_API_VERSION, createPlugin: () => plugin, getIntrospectionProvider: () => plugin, getScriptProvider: () => plugin };
  const dir = mkdtempSync(join(tmpdir(), 'medkit-plugin-scripts-'));
  dirs.push(dir);
  const flags = {
    'ros.enabled': false,
    'ui.enabled': false,
    'logging.level': 'silent',
    'discovery.mode': 'manifest_only',
    'discovery.manifest_path': join(import.meta.dirname, '../../../../examples/amr/manifest.yaml'),
    ...(scriptsDir ? { 'scripts.scripts_dir': join(dir, 'scripts') } : {}),
  };
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });
  const features = defaultFeatures(config).map((f) => (f.name === 'plugins' ? createPluginsFeature({ plugins: [{ name: 'plc-scripts', module }] }) : f));
  const g = await startTestGateway({ features, flags });
  gateways.push(g);
  return (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);
}

describe('scripts on a plugin ScriptProvider', () => {
  it("serves an owned entity's scripts and executions from the plugin (Location, lock checks), and every other entity's too", async () => {
    const plugin = new PlcScripts();
    const api = await start(plugin, true);
    const list = await api('/apps/plc_app/scripts');
    expect(list).toMatchObject({ status: 200, body: { items: [{ id: 'flush_buffers', name: 'Flush buffers of plc_app' }] } });
    expect((await api('/apps/plc_app/scripts/nope')).status).toBe(404);

    const started = await api('/apps/plc_app/scripts/flush_buffers/executions', { method: 'POST', json: { execution_type: 'now', parameters: { level: 2 } } });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: 'plc_exec_1', status: 'running' });
    expect(started.headers.get('location')).toBe('/api/v1/apps/plc_app/scripts/flush_buffers/executions/plc_exec_1');
    expect(plugin.calls).toContain('start plc_app flush_buffers {"execution_type":"now","parameters":{"level":2}}');
    expect((await api('/apps/plc_app/scripts/flush_buffers/executions/plc_exec_1')).body).toEqual({ id: 'plc_exec_1', status: 'running' });

    // Another client's lock refuses the mutation before the plugin is called.
    const lock = await api('/apps/plc_app/locks', { method: 'POST', headers: { 'x-client-id': 'alice' }, json: { lock_expiration: 60, scopes: ['scripts'] } });
    expect(lock.status).toBe(201);
    const refused = await api('/apps/plc_app/scripts/flush_buffers/executions/plc_exec_1', { method: 'PUT', headers: { 'x-client-id': 'bob' }, json: { action: 'stop' } });
    expect(refused.status).toBe(409);
    const stopped = await api('/apps/plc_app/scripts/flush_buffers/executions/plc_exec_1', { method: 'PUT', headers: { 'x-client-id': 'alice' }, json: { action: 'stop' } });
    expect(stopped).toMatchObject({ status: 200, body: { id: 'plc_exec_1', status: 'stopped' } });

    // deleteScript / deleteExecution are not implemented by this provider; uploads never go to a plugin.
    expect((await api('/apps/plc_app/scripts/flush_buffers', { method: 'DELETE', headers: { 'x-client-id': 'alice' } })).status).toBe(501);
    expect((await api('/apps/plc_app/scripts/flush_buffers/executions/plc_exec_1', { method: 'DELETE', headers: { 'x-client-id': 'alice' } })).status).toBe(501);

    // Entities the plugin does not own: its provider replaces the built-in backend.
    const apps = (await api('/apps')).body.items.map((i: { id: string }) => i.id).filter((id: string) => id !== 'plc_app');
    expect(apps.length).toBeGreaterThan(0);
    const r = await api(`/apps/${apps[0]}/scripts`);
    expect(r).toMatchObject({ status: 200, body: { items: [{ id: 'flush_buffers' }] } });
    expect(plugin.calls).toContain(`list app/${apps[0]}`);
    expect((await api('/apps/no-such-app/scripts')).status).toBe(404);
  });

  it('stays off without scripts.scripts_dir, even with a plugin backend', async () => {
    const plugin = new PlcScripts();
    const api = await start(plugin, false);
    expect((await api('/apps/plc_app/scripts')).status).toBe(501);
    expect(plugin.calls).toEqual([]);
  });
});

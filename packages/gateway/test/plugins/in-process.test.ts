// In-process registration (docs/plugins.md) with the same contract, and the parts of the contract the
// example does not use: fault and lifecycle providers on an owned entity, capability removal, the
// context's samplers / condition evaluators / notifyEntitiesChanged, and the plugin configuration keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import { readPluginSettings } from '../../src/plugins/config.js';
import { PLUGIN_API_VERSION, PluginError, type MedkitPlugin, type PluginContext, type PluginModule } from '@medkit/plugin-api';
import { TRIGGER_CONDITIONS_SERVICE } from '../../src/triggers/feature.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startPluginGateway } from '../support/plugin-gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';
import { Writable } from 'node:stream';

class Plc implements MedkitPlugin {
  ctx?: PluginContext;
  apps = ['plc_app'];
  faults = new Map([['F1', { fault_code: 'F1', severity: 2 }], ['F2', { fault_code: 'F2', severity: 1 }]]);
  transitions: string[] = [];
  introspections = 0;
  name() {
    return 'plc';
  }
  configure() {}
  setContext(ctx: PluginContext) {
    this.ctx = ctx;
    ctx.registerSampler('x-plc', (id) => ({ id, value: 7 }));
    ctx.registerConditionEvaluator('x-above', { evaluate: (_p, cur, params) => (cur as number) > (params as { limit: number }).limit, validateParams: () => {} });
  }
  introspect() {
    this.introspections++;
    return { new_entities: { apps: this.apps.map((id) => ({ id, name: id.toUpperCase() })) } };
  }
  listFaults() {
    return { items: [...this.faults.values()] };
  }
  getFault(_e: unknown, code: string) {
    const f = this.faults.get(code);
    if (!f) throw new PluginError('resource-not-found', `no fault ${code}`, 404);
    return { item: f };
  }
  clearFault(_e: unknown, code: string) {
    this.faults.delete(code);
  }
  getStatus() {
    return { status: 'ready' as const, transitions: ['restart' as const, 'shutdown' as const] };
  }
  requestTransition(_e: unknown, t: string) {
    if (t === 'shutdown') throw new PluginError('precondition-not-fulfilled', 'PLC is running a batch', 409);
    this.transitions.push(t);
  }
}

const plc = new Plc();
const module: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  createPlugin: () => plc,
  getIntrospectionProvider: () => plc,
  getFaultProvider: () => plc,
  getLifecycleProvider: () => plc,
};

let g: TestGateway;
beforeAll(async () => {
  g = await startPluginGateway('plc', module);
}, 60_000);
afterAll(async () => {
  await g?.close();
});
const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${g.url}/api/v1${path}`, init);

describe('an in-process plugin', () => {
  it('owns its app; data and operations are not advertised without providers', async () => {
    const d = await api('/apps/plc_app');
    expect(d.status).toBe(200);
    const caps = d.body.capabilities.map((c: { name: string }) => c.name);
    expect(caps).toContain('faults');
    expect(caps).not.toContain('data');
    expect(caps).not.toContain('operations');
    expect(d.body.data).toBeUndefined();
  });

  it("serves the app's faults from its FaultProvider", async () => {
    expect((await api('/apps/plc_app/faults')).body.items.map((f: { fault_code: string }) => f.fault_code)).toEqual(['F1', 'F2']);
    expect((await api('/apps/plc_app/faults/F1')).body).toEqual({ item: { fault_code: 'F1', severity: 2 } });
    expect((await api('/apps/plc_app/faults/F9')).status).toBe(404);
    expect((await api('/apps/plc_app/faults/F1', { method: 'DELETE' })).status).toBe(204);
    expect([...plc.faults.keys()]).toEqual(['F2']);
  });

  it('answers status and transitions from its LifecycleProvider, with its refusals mapped (docs/plugins.md)', async () => {
    const s = await api('/apps/plc_app/status');
    expect(s.body).toEqual({ status: 'ready', restart: '/api/v1/apps/plc_app/status/restart', shutdown: '/api/v1/apps/plc_app/status/shutdown' });
    expect((await api('/apps/plc_app/status/restart', { method: 'PUT' })).status).toBe(202);
    expect(plc.transitions).toEqual(['restart']);
    const refused = await api('/apps/plc_app/status/shutdown', { method: 'PUT' });
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('precondition-not-fulfilled');
  });

  it('registers samplers and condition evaluators through its context', () => {
    expect(g.gateway.ctx.samplers.get('x-plc')).toBeDefined();
    expect(g.gateway.ctx.services.get(TRIGGER_CONDITIONS_SERVICE).get('x-above')).toBeDefined();
  });

  it('re-runs discovery at once when it reports changed entities', async () => {
    plc.apps = ['plc_app', 'plc_app_2'];
    expect((await api('/apps/plc_app_2')).status).toBe(404);
    await plc.ctx!.notifyEntitiesChanged({});
    expect((await api('/apps/plc_app_2')).status).toBe(200);
  });
});

describe('plugin configuration keys', () => {
  const settings = (raw: Record<string, unknown>) => readPluginSettings({ section: () => raw });

  it('reads the list, the path, the deadline and nests the rest', () => {
    expect(settings({ plugins: ['gp'], 'plugins.gp.path': './gp.js', 'plugins.gp.call_timeout_ms': 250, 'plugins.gp.function_overrides.f1.x': 1, 'plugins.gp.flag': true })).toEqual([
      { name: 'gp', path: './gp.js', callTimeoutMs: 250, config: { function_overrides: { f1: { x: 1 } }, flag: true }, keys: ['function_overrides.f1.x', 'flag'] },
    ]);
    expect(settings({ plugins: 'a,b', 'plugins.a.path': 'a.js', 'plugins.b.path': 'b.js' }).map((s) => s.name)).toEqual(['a', 'b']);
    expect(settings({})).toEqual([]);
  });

  it('rejects bad names, duplicates, a missing path and a bad deadline', () => {
    expect(() => settings({ plugins: ['bad name'], 'plugins.bad name.path': 'x' })).toThrow(/invalid plugin name/);
    expect(() => settings({ plugins: ['a', 'a'], 'plugins.a.path': 'x' })).toThrow(/listed twice/);
    expect(() => settings({ plugins: ['a'] })).toThrow(/plugins.a.path is required/);
    expect(() => settings({ plugins: ['a'], 'plugins.a.path': 'x', 'plugins.a.call_timeout_ms': -1 })).toThrow(/call_timeout_ms/);
    for (const bad of [true, 1e308, '5e3', '', 2.5]) expect(() => settings({ plugins: ['a'], 'plugins.a.path': 'x', 'plugins.a.call_timeout_ms': bad }), String(bad)).toThrow(/call_timeout_ms/);
    expect(() => settings({ plugins: ['x'.repeat(257)] })).toThrow(/invalid plugin name/);
  });
});

// Issue 31 point 6: a plugin's section is checked like the gateway's own, against the keys the plugin declares.
describe('plugin configuration keys against the declared ones', () => {
  /** A plugin module that reads `rate_hz` and the map `limits.*`, declared or not. */
  const sensor = (declared: boolean): PluginModule => ({
    pluginApiVersion: PLUGIN_API_VERSION,
    ...(declared ? { configKeys: ['rate_hz', 'limits.*'] } : {}),
    createPlugin: () => ({ name: () => 'sensor', configure() {} }),
  });
  /** Starts a real gateway with the plugin enabled by name; answers the gateway, or the error start-up stopped with. */
  async function start(declared: boolean, flags: Record<string, unknown>, logStream?: NodeJS.WritableStream): Promise<TestGateway | Error> {
    try {
      return await startTestGateway({ features: [createPluginsFeature({ builtins: { sensor: () => sensor(declared) } })], flags: { plugins: 'sensor', 'logging.level': 'warn', ...flags }, logStream });
    } catch (err) {
      return err as Error;
    }
  }

  it('a key the plugin does not declare stops start-up, naming it and the declared key it is spelt like', async () => {
    const err = await start(true, { 'plugins.sensor.rate_hzz': 5, 'plugins.sensor.limits.max': 3 });
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe("unknown configuration key 'plugins.sensor.rate_hzz' (did you mean 'plugins.sensor.rate_hz'?): plugin 'sensor' reads only rate_hz, limits.*; refusing to start");
  });

  it('declared keys (a map included) start; a plugin that declares nothing starts with a warning that its keys are not checked', async () => {
    const ok = await start(true, { 'plugins.sensor.rate_hz': 5, 'plugins.sensor.limits.max': 3, 'plugins.sensor.call_timeout_ms': 500 });
    expect(ok).not.toBeInstanceOf(Error);
    await (ok as TestGateway).close();
    let log = '';
    const stream = new Writable({ write: (c, _e, cb) => ((log += String(c)), cb()) });
    const unchecked = await start(false, { 'plugins.sensor.rate_hzz': 5 }, stream);
    expect(unchecked).not.toBeInstanceOf(Error);
    await (unchecked as TestGateway).close();
    expect(log).toContain("plugin 'sensor' does not declare its configuration keys (PluginModule.configKeys): plugins.sensor.* are not checked");
  });
});

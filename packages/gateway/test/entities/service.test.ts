import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManifestError } from '../../src/entities/manifest/issues.js';
import { newApp, newComponent } from '../../src/entities/model.js';
import type { DiscoveryLayer } from '../../src/entities/pipeline/layer.js';
import type { RuntimeGraphSnapshot } from '../../src/entities/runtime/graph-snapshot.js';
import { DiscoveryManager, type DiscoveryOptions, type EntitiesChangedEvent } from '../../src/entities/service.js';
import { graph, node, StaticGraphSource } from '../../../../test-support/gateway/graph-fixtures.js';

const HOST = { hostname: 'amr-7', os: 'Debian GNU/Linux 13', arch: 'x86_64' };
const AMR = 'examples/amr/manifest.yaml';
const AMR_GRAPH = graph(
  node('/sensors/lidar_driver', { pub: [['/sensors/scan', 'sensor_msgs/msg/LaserScan']] }),
  node('/base/battery_monitor', { pub: ['/base/battery_state'] }),
  node('/navigation/bt_navigator'),
  node('/diagnostics/aggregator'),
  node('/_ros2cli_4242'),
);

let managers: DiscoveryManager[] = [];
function manager(opts: Partial<DiscoveryOptions> & { mode: DiscoveryOptions['mode'] }, g: RuntimeGraphSnapshot = AMR_GRAPH) {
  const source = new StaticGraphSource(g);
  const m = new DiscoveryManager({ runtime: { source, host: HOST, ...opts.runtime }, ...opts });
  managers.push(m);
  return { m, source };
}
afterEach(() => {
  for (const m of managers) m.stop();
  managers = [];
  vi.useRealTimers();
});

describe('DiscoveryManager: runtime_only', () => {
  it('builds host component + runtime apps, filters internal nodes, emits change, and is stable on equal refreshes', async () => {
    const { m } = manager({ mode: 'runtime_only' });
    const events: EntitiesChangedEvent[] = [];
    const passes: string[] = [];
    m.on('change', (e) => events.push(e));
    m.on('refresh', (o) => passes.push(`${o.reason}:${o.changed}`));
    const first = await m.start();
    expect(first).toEqual({ reason: 'startup', changed: true, generation: 1 });
    expect(m.cache.list('component').map((c) => [c.id, c.description])).toEqual([['amr-7', 'Debian GNU/Linux 13 on x86_64']]);
    expect(m.cache.list('app').map((a) => [a.id, a.component_id])).toEqual([
      ['lidar_driver', 'amr-7'],
      ['battery_monitor', 'amr-7'],
      ['bt_navigator', 'amr-7'],
      ['aggregator', 'amr-7'],
    ]);
    expect(m.cache.list('function').map((f) => f.id)).toEqual(['sensors', 'base', 'navigation', 'diagnostics']);
    expect(m.cache.list('area')).toEqual([]);
    expect(m.cache.appForNode('/sensors/lidar_driver')).toBe('lidar_driver');
    expect(m.cache.appForNode('/_ros2cli_4242')).toBeUndefined();
    expect(m.topicTypes.get('/sensors/scan')).toEqual(['sensor_msgs/msg/LaserScan']);
    expect(events).toHaveLength(1);
    expect(await m.refresh()).toEqual({ reason: 'manual', changed: false, generation: 1 });
    expect(events).toHaveLength(1);
    expect(passes).toEqual(['startup:true', 'manual:false']);
    expect(m.health()).toEqual({
      fields: {
        discovery: { mode: 'runtime_only', strategy: 'runtime' },
        'x-medkit-entity-cache': { capacity: 256, areas: 0, components: 1, apps: 4, functions: 4, generation: 1, grew: false },
      },
      warnings: [],
    });
  });

  it('a graph change is picked up by notifyGraphChanged after the debounce tick', async () => {
    vi.useFakeTimers();
    const { m, source } = manager({ mode: 'runtime_only', refreshDebounceMs: 1000 });
    const events: EntitiesChangedEvent[] = [];
    m.on('change', (e) => events.push(e));
    await m.start();
    source.current = graph(node('/sensors/lidar_driver'), node('/new_node'));
    m.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(100);
    expect(m.cache.get('app', 'new_node')).toBeDefined();
    expect(m.cache.get('app', 'battery_monitor')).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ reason: 'graph', generation: 2 });
    expect(events.at(-1)!.added).toContainEqual({ type: 'app', id: 'new_node' });
    expect(events.at(-1)!.removed).toContainEqual({ type: 'app', id: 'battery_monitor' });
  });

  it('quiet() resolves once the graph stopped changing for the time asked and the cache caught up, or false at its bound (issue 69)', async () => {
    vi.useFakeTimers();
    const { m, source } = manager({ mode: 'runtime_only' });
    await m.start();
    // Nothing changed since start: quiet at once.
    expect(await m.quiet(300, 3000)).toBe(true);
    let quiet: boolean | undefined;
    source.current = graph(node('/a'));
    m.notifyGraphChanged();
    void m.quiet(300, 3000).then((q) => (quiet = q));
    await vi.advanceTimersByTimeAsync(200);
    // Another change 200 ms in restarts the 300 ms.
    source.current = graph(node('/a'), node('/b'));
    m.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(250);
    expect(quiet).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    expect(quiet).toBe(true);
    // Listed by then: what quiet waited for.
    expect(m.cache.get('app', 'b')).toBeDefined();
    // A graph that keeps changing: false at the bound.
    let bounded: boolean | undefined;
    m.notifyGraphChanged();
    void m.quiet(300, 1000).then((q) => (bounded = q));
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersByTimeAsync(150);
      m.notifyGraphChanged();
    }
    expect(bounded).toBe(false);
  });

  it('plugins outside hybrid see the current entities and only enrich them', async () => {
    let seen: string[] = [];
    const plugin: DiscoveryLayer = {
      name: 'procfs',
      kind: 'plugin',
      discover: (input) => {
        seen = input.apps.map((a) => a.id);
        return { apps: [newApp('lidar_driver', 'plugin', { description: 'pid 4711', name: 'other' })], components: [newComponent('ups', '')] };
      },
    };
    const { m } = manager({ mode: 'runtime_only', plugins: [plugin] });
    await m.start();
    expect(seen).toContain('lidar_driver');
    expect(m.cache.get('app', 'lidar_driver')).toMatchObject({ description: 'pid 4711', name: 'lidar_driver', source: 'heuristic' });
    expect(m.cache.get('component', 'ups')!.source).toBe('plugin');
  });

  it('serializes passes: concurrent calls never overlap and coalesce into one follow-up pass', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const release: Array<() => void> = [];
    const source = {
      snapshot: () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        return new Promise<RuntimeGraphSnapshot>((resolve) => release.push(() => { active--; resolve(AMR_GRAPH); }));
      },
    };
    const m = new DiscoveryManager({ mode: 'runtime_only', runtime: { source, host: HOST } });
    managers.push(m);
    const a = m.refresh('manual');
    const b = m.refresh('graph');
    const c = m.refresh('backstop');
    expect(b).toBe(c);
    await vi.waitFor(() => expect(release).toHaveLength(1));
    release.shift()!();
    await a;
    await vi.waitFor(() => expect(release).toHaveLength(1));
    release.shift()!();
    await b;
    expect(calls).toBe(2);
    expect(maxActive).toBe(1);
  });
});

describe('DiscoveryManager: manifest modes', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-svc-'));
    path = join(dir, 'manifest.yaml');
    copyFileSync(AMR, path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('manifest_only: start-up error without a usable manifest', async () => {
    await expect(manager({ mode: 'manifest_only' }).m.start()).rejects.toThrow(/needs discovery.manifest_path/);
    writeFileSync(path, 'manifest_version: "2"\n');
    const err = await manager({ mode: 'manifest_only', manifest: { path } }).m.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toContain(`${path}:1: R001`);
  });

  it('manifest_only: manifest entities, all apps offline, node map from the effective FQN', async () => {
    const { m } = manager({ mode: 'manifest_only', manifest: { path } });
    await m.start();
    expect(m.cache.list('area').map((a) => a.id)).toEqual(['base', 'power', 'sensors', 'navigation', 'safety']);
    expect(m.cache.list('app').every((a) => !a.is_online)).toBe(true);
    expect(m.cache.appForNode('/sensors/lidar_driver')).toBe('lidar-driver');
    expect(m.health().fields.discovery).toEqual({ mode: 'manifest_only', strategy: 'manifest' });
  });

  it('hybrid: links the example AMR to the live graph and reports pipeline + linking', async () => {
    const { m } = manager({ mode: 'hybrid', manifest: { path, fragmentsDir: 'examples/amr/fragments' } });
    await m.start();
    expect(m.cache.get('app', 'lidar-driver')).toMatchObject({ is_online: true, bound_fqn: '/sensors/lidar_driver', topics: { publishes: ['/sensors/scan'] } });
    expect(m.cache.get('app', 'docking-controller')!.is_online).toBe(false);
    expect(m.cache.get('app', 'aggregator')!.source).toBe('heuristic');
    expect(m.cache.get('component', 'amr-7')).toBeUndefined(); // no host component in hybrid
    expect(m.cache.appForNode('/base/battery_monitor')).toBe('battery-monitor');
    const d = m.health().fields.discovery;
    expect(d.mode).toBe('hybrid');
    expect(d.linking).toEqual({ linked_count: 3, orphan_count: 1, binding_conflicts: 0, unmanifested_policy: 'warn' });
    expect(d.pipeline).toMatchObject({ layers: ['manifest', 'runtime'], conflict_count: 0, id_collisions: 0 });
  });

  it('hybrid falls back to runtime_only on a broken manifest, and returns to hybrid on a good reload', async () => {
    const errors: string[] = [];
    writeFileSync(path, 'manifest_version: "1.0"\napps:\n  - id: a\n    is_located_on: nope\n');
    const { m } = manager({ mode: 'hybrid', manifest: { path }, log: { info() {}, warn() {}, error: (e) => errors.push(e) } });
    await m.start();
    expect(m.mode).toBe('runtime_only');
    expect(m.cache.get('component', 'amr-7')).toBeDefined();
    expect(errors[0]).toContain('falling back to runtime_only');
    expect(m.health().warnings).toMatchObject([{ code: 'hybrid_fallback', entity_ids: [], ros_node_fqns: [], peer_names: [] }]);
    copyFileSync(AMR, path);
    const r = await m.reloadManifest();
    expect(r.ok).toBe(true);
    expect(m.mode).toBe('hybrid');
    expect(m.health().warnings).toEqual([]);
    expect(m.cache.get('app', 'lidar-driver')!.is_online).toBe(true);
  });

  it('a failed reload keeps the previous manifest and entities', async () => {
    const { m } = manager({ mode: 'hybrid', manifest: { path } });
    await m.start();
    const gen = m.cache.generation;
    const before = m.manifest;
    writeFileSync(path, 'manifest_version: "1.0"\napps:\n  - id: dup\n  - id: dup\n');
    const r = await m.reloadManifest();
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.rule)).toEqual(['R004']);
    expect(m.manifest).toBe(before);
    expect(m.cache.generation).toBe(gen);
    expect(m.cache.get('app', 'lidar-driver')).toBeDefined();
  });

  it('unmanifested_nodes: error puts the orphan FQNs on /health', async () => {
    writeFileSync(path, 'manifest_version: "1.0"\nconfig: {unmanifested_nodes: error}\napps:\n  - {id: lidar, ros_binding: {node_name: lidar_driver, namespace: /sensors}}\n');
    const { m } = manager({ mode: 'hybrid', manifest: { path } });
    await m.start();
    expect(m.health().warnings).toEqual([
      {
        code: 'unmanifested_nodes',
        message: '3 running node(s) are not declared in the manifest',
        entity_ids: [],
        ros_node_fqns: ['/base/battery_monitor', '/navigation/bt_navigator', '/diagnostics/aggregator'],
        peer_names: [],
      },
    ]);
  });
});

describe('DiscoveryManager: a pass running into the shutdown', () => {
  it('logs a layer that fails while the gateway stops as info, not as an error (it met sources already shut down)', async () => {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    let entered: () => void = () => {};
    const inSecondPass = new Promise<void>((r) => (entered = r));
    const plugin: DiscoveryLayer = {
      name: 'graph_provider',
      kind: 'plugin',
      async discover() {
        calls++;
        if (calls === 1) throw new Error('node /medkit_gateway is destroyed'); // before stop: a real failure
        entered();
        await gate;
        throw new Error('node /medkit_gateway is destroyed');
      },
    };
    const { m } = manager({ mode: 'runtime_only', plugins: [plugin], log });
    await m.start();
    expect(lines).toContainEqual(expect.stringMatching(/^error discovery layer 'graph_provider' failed/));
    const pass = m.refresh('test');
    await inSecondPass; // the layer is inside its second discovery when the manager stops
    m.stop();
    release();
    await pass;
    expect(lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/^info discovery layer 'graph_provider' failed .*\(while stopping\)$/));
  });
});

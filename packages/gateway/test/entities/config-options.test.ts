import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { discoveryOptionsFromConfig } from '../../src/entities/config-options.js';
import { DiscoveryManager } from '../../src/entities/service.js';
import { graph, node, StaticGraphSource } from '../../../../test-support/gateway/graph-fixtures.js';

describe('discovery options from the gateway configuration', () => {
  it('maps the real config keys, including merge policy overrides and gap fill', async () => {
    const cfg = loadConfig({
      env: {},
      flags: {
        'discovery.manifest_path': 'examples/amr/manifest.yaml',
        'discovery.manifest.fragments_dir': 'examples/amr/fragments',
        'discovery.merge_pipeline.layers.manifest.identity': 'fallback',
        'discovery.merge_pipeline.layers.runtime.live_data': ' enrichment ',
        'discovery.merge_pipeline.gap_fill.allow_heuristic_apps': false,
        'discovery.refresh_debounce_ms': 250,
      },
    });
    const source = new StaticGraphSource(graph(node('/sensors/lidar_driver'), node('/tools/recorder')));
    const opts = discoveryOptionsFromConfig(cfg, { source, host: { hostname: 'h' } });
    expect(opts.mode).toBe('hybrid'); // a manifest without explicit mode means hybrid
    expect(opts.manifest).toMatchObject({ path: 'examples/amr/manifest.yaml', strict: true, fragmentsDir: 'examples/amr/fragments' });
    expect(opts.manifest!.inventoryCsv).toBeUndefined();
    expect(opts.pipeline!.overrides).toEqual({ manifest: { identity: 'fallback' }, runtime: { live_data: 'enrichment' } });
    expect(opts.pipeline!.gapFill).toMatchObject({ allow_heuristic_apps: false, allow_heuristic_functions: false, namespace_whitelist: [] });
    expect([opts.refreshDebounceMs, opts.refreshIntervalMs, opts.cacheCapacity]).toEqual([250, 30000, 256]);

    const m = new DiscoveryManager(opts);
    await m.start();
    m.stop();
    expect(m.cache.get('app', 'lidar-driver')!.is_online).toBe(true);
    expect(m.cache.get('app', 'recorder')).toBeUndefined(); // heuristic apps off
    expect(m.health().fields.discovery.pipeline!.filtered_by_gap_fill).toBeGreaterThan(0);
  });
});

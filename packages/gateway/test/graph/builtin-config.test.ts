// Built-in plugins are enabled by naming them (gateway.md §2.11): no `path` needed, a `path` still wins, an
// unknown name without one is a configuration error; the demo's gateway file enables both graph plugins.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { FEATURE_KEYS } from '../../src/features.js';
import { readPluginSettings } from '../../src/plugins/config.js';
import { builtinPlugin } from '../../src/plugins/builtins.js';
import { PLUGIN_API_VERSION } from '../../src/plugins/contract.js';

const settings = (flags: Record<string, unknown>) => readPluginSettings(loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: flags as never }));

describe('built-in plugins', () => {
  it('are enabled by name without a path; a path replaces the built-in; an unknown name still needs one', () => {
    expect(settings({ plugins: ['graph_provider', 'graph_watchdog'] }).map((s) => [s.name, s.path])).toEqual([['graph_provider', undefined], ['graph_watchdog', undefined]]);
    expect(settings({ plugins: ['graph_provider'], 'plugins.graph_provider.path': './mine.js' })[0].path).toBe('./mine.js');
    expect(() => settings({ plugins: ['toString'] })).toThrow(/path is required/);
    expect(builtinPlugin('graph_watchdog')?.pluginApiVersion).toBe(PLUGIN_API_VERSION);
  });

  it("the demo's main gateway enables graph_provider and graph_watchdog with its detector settings", () => {
    const file = fileURLToPath(new URL('../../../demo/config/main-gateway.yaml', import.meta.url));
    const s = readPluginSettings(loadConfig({ env: {}, extraKeys: FEATURE_KEYS, configFile: file }));
    expect(s.map((p) => p.name)).toEqual(expect.arrayContaining(['graph_provider', 'graph_watchdog']));
    expect(s.find((p) => p.name === 'graph_watchdog')?.config).toMatchObject({ detectors: { lifecycle_expectation: { require_active: ['obstacle_detector'] }, param_drift: { ignore: ['reliable_stats', 'input_topic', 'voltage'] } } });
  });
});

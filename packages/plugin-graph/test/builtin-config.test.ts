// Built-in plugins are enabled by naming them (docs/plugins.md): no `path` needed, a `path` still wins, an
// unknown name without one is a configuration error; the demo's gateway file enables both graph plugins.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@medkit/gateway';
import { BUILTIN_PLUGIN_NAMES, BUILTIN_PLUGINS, FEATURE_KEYS } from '@medkit/cli';
import { readPluginSettings } from '@medkit/gateway';
import { PLUGIN_API_VERSION } from '@medkit/plugin-api';

const settings = (flags: Record<string, unknown>) => readPluginSettings(loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: flags as never }), BUILTIN_PLUGIN_NAMES);

describe('built-in plugins', () => {
  it('are enabled by name without a path; a path replaces the built-in; an unknown name still needs one', async () => {
    expect(settings({ plugins: ['graph_provider', 'graph_watchdog'] }).map((s) => [s.name, s.path])).toEqual([['graph_provider', undefined], ['graph_watchdog', undefined]]);
    expect(settings({ plugins: ['graph_provider'], 'plugins.graph_provider.path': './mine.js' })[0].path).toBe('./mine.js');
    expect(() => settings({ plugins: ['toString'] })).toThrow(/path is required/);
    const watchdog = await BUILTIN_PLUGINS.graph_watchdog();
    expect(watchdog.pluginApiVersion).toBe(PLUGIN_API_VERSION);
  });

  it("the demo's main gateway enables graph_provider and graph_watchdog with its detector settings", () => {
    const file = fileURLToPath(new URL('../../demo/config/main-gateway.yaml', import.meta.url));
    const s = readPluginSettings(loadConfig({ env: {}, extraKeys: FEATURE_KEYS, configFile: file }), BUILTIN_PLUGIN_NAMES);
    expect(s.map((p) => p.name)).toEqual(expect.arrayContaining(['graph_provider', 'graph_watchdog']));
    expect(s.find((p) => p.name === 'graph_watchdog')?.config).toMatchObject({ detectors: { lifecycle_expectation: { require_active: ['obstacle_detector'] }, param_drift: { ignore: ['reliable_stats', 'input_topic', 'voltage'] } } });
  });
});

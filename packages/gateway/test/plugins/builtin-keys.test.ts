// The built-in plugins declare their configuration keys (PluginModule.configKeys, issue 31), so a misspelt
// `plugins.<name>.*` key stops start-up; here every key a built-in reads while it configures itself must be one
// it declares (a key read but not declared would be refused although the plugin uses it).
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS, BUILTIN_PLUGIN_NAMES } from '@medkit/cli';
import { isDeclared } from '../../src/plugins/config.js';

describe('built-in plugin configuration keys', () => {
  it.each([...BUILTIN_PLUGIN_NAMES])('%s declares every key it reads', async (name) => {
    const mod = await BUILTIN_PLUGINS[name]();
    expect(mod.configKeys, name).toBeDefined();
    const read = new Set<string>();
    // An empty configuration that records what the plugin asks of it.
    const config = new Proxy({} as Record<string, unknown>, {
      get(_t, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    try {
      await mod.createPlugin().configure(config);
    } catch {
      // Plugins that need settings (OPC-UA's endpoint) refuse an empty configuration after reading some keys.
    }
    expect(read.size, `${name} read nothing: the check would prove nothing`).toBeGreaterThan(0);
    expect([...read].filter((k) => !isDeclared(k, mod.configKeys!)), name).toEqual([]);
  });
});

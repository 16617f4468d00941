// Loads plugin ES modules from their configured paths (docs/plugins.md). A module that cannot be
// loaded becomes a disabled plugin with the reason on /health; the gateway still starts. A key the plugin
// does not declare stops start-up (ConfigError), as an unknown key of the gateway's own would.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginModule } from '@medkit/plugin-api';
import { checkPluginKeys, type PluginSettings } from './config.js';
import type { PluginHost } from './host.js';

/**
 * Imports each configured module and adds it to the host, in list order. A setting without a path is a
 * built-in plugin: `builtin(name)` gives its module. Answers the start-up warnings (plugins whose keys are not checked).
 */
export async function loadPlugins(host: PluginHost, settings: readonly PluginSettings[], baseDir = process.cwd(), builtin: (name: string) => PluginModule | Promise<PluginModule> | undefined = () => undefined): Promise<string[]> {
  const warnings: string[] = [];
  for (const s of settings) {
    const where = s.path === undefined ? `built-in plugin '${s.name}'` : isAbsolute(s.path) ? s.path : resolve(baseDir, s.path);
    let mod: PluginModule | undefined;
    let error: string | undefined;
    try {
      if (s.path === undefined) {
        // A built-in may import its module (and the libraries it needs) only now.
        mod = await builtin(s.name);
        if (!mod) error = `'${s.name}' is not a built-in plugin and has no path`;
      } else {
        mod = (await import(pathToFileURL(where).href)) as PluginModule;
      }
    } catch (err) {
      error = `cannot load ${where}: ${(err as Error)?.message ?? String(err)}`;
    }
    if (mod && !error) {
      const unchecked = checkPluginKeys(s, mod.configKeys);
      if (unchecked) warnings.push(unchecked);
    }
    host.add(s.name, mod, s.config, s.callTimeoutMs, error);
  }
  return warnings;
}

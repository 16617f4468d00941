// Loads plugin ES modules from their configured paths (gateway.md §2.1, §2.11). A module that cannot be
// loaded becomes a disabled plugin with the reason on /health; the gateway still starts.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginModule } from './contract.js';
import type { PluginSettings } from './config.js';
import type { PluginHost } from './host.js';
import { builtinPlugin } from './builtins.js';

/** Imports each configured module and adds it to the host, in list order. */
export async function loadPlugins(host: PluginHost, settings: readonly PluginSettings[], baseDir = process.cwd()): Promise<void> {
  for (const s of settings) {
    if (s.path === undefined) {
      host.add(s.name, builtinPlugin(s.name), s.config, s.callTimeoutMs, builtinPlugin(s.name) ? undefined : `'${s.name}' is not a built-in plugin`);
      continue;
    }
    const file = isAbsolute(s.path) ? s.path : resolve(baseDir, s.path);
    let mod: PluginModule | undefined;
    let error: string | undefined;
    try {
      mod = (await import(pathToFileURL(file).href)) as PluginModule;
    } catch (err) {
      error = `cannot load ${file}: ${(err as Error)?.message ?? String(err)}`;
    }
    host.add(s.name, mod, s.config, s.callTimeoutMs, error);
  }
}

// Plugins that ship with the gateway (gateway.md §2.11): listing the name in `plugins` loads one without a
// `path`. Each module is imported only then, so a gateway that does not use it never loads it (or the
// libraries it needs). A configured `path` still wins over the built-in of the same name.
import type { PluginModule } from './contract.js';

export const BUILTIN_PLUGINS: Readonly<Record<string, () => Promise<PluginModule>>> = {
  opcua: () => import('./opcua/index.js'),
};

/** The loader of a built-in plugin, or undefined. */
export function builtinPlugin(name: string): (() => Promise<PluginModule>) | undefined {
  return Object.hasOwn(BUILTIN_PLUGINS, name) ? BUILTIN_PLUGINS[name] : undefined;
}

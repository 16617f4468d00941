// Plugins that ship with the gateway (gateway.md §2.11: built-ins use the same contract as plugin files).
// Listing one of these names in `plugins` enables it; no `plugins.<name>.path` is needed.
import type { PluginModule } from './contract.js';
import type { ProcessIdHints } from './process-hints.js';
import { LINUX_INTROSPECTION_PLUGINS } from '../linux-introspection/index.js';

/** What a built-in plugin may use beyond the public contract: seams shared between built-ins. */
export interface BuiltinDeps {
  processHints: ProcessIdHints;
}

/** Creates the module object of one built-in plugin (one per gateway). */
export type BuiltinPlugin = (deps: BuiltinDeps) => PluginModule;

/** The built-in plugins by name. */
export const BUILTIN_PLUGINS: Readonly<Record<string, BuiltinPlugin>> = {
  ...LINUX_INTROSPECTION_PLUGINS,
};

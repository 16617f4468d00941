// Built-in plugins of this repo (gateway.md §2.11): enabled by naming them in `plugins: [...]` without a
// `plugins.<name>.path` (a path wins, so a built-in can be replaced). They use the same contract as plugin
// files; each lives in its own folder.
import type { PluginModule } from './contract.js';
import { graphProviderModule } from '../graph-provider/plugin.js';
import { graphWatchdogModule } from '../graph-watchdog/plugin.js';

export const BUILTIN_PLUGINS: Readonly<Record<string, PluginModule>> = {
  graph_provider: graphProviderModule,
  graph_watchdog: graphWatchdogModule,
};

export function builtinPlugin(name: string): PluginModule | undefined {
  return Object.hasOwn(BUILTIN_PLUGINS, name) ? BUILTIN_PLUGINS[name] : undefined;
}

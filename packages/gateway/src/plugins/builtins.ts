// Plugins that ship with the gateway (gateway.md §2.11: built-ins use the same contract as plugin files).
// Listing one of these names in `plugins` enables it; no `plugins.<name>.path` is needed, and a path given
// for one of these names loads that file instead. A built-in may import its module lazily, so a gateway
// that does not enable it never loads it or the libraries it needs.
import type { RosConnection } from '../ros/connection.js';
import type { PluginModule } from './contract.js';
import type { ProcessIdHints } from './process-hints.js';
import { parameterBeaconModule, rosParameterBeaconDeps, rosTopicBeaconDeps, topicBeaconModule } from './builtin/beacons/modules.js';
import { PARAMETER_BEACON } from './builtin/beacons/parameter/plugin.js';
import { TOPIC_BEACON } from './builtin/beacons/topic/plugin.js';
import { LINUX_INTROSPECTION_PLUGINS } from '../linux-introspection/index.js';
import { graphProviderModule } from '../graph-provider/plugin.js';
import { graphWatchdogModule } from '../graph-watchdog/plugin.js';

/** What a built-in plugin may use beyond the public contract: the gateway's ROS connection and seams shared between built-ins. */
export interface BuiltinDeps {
  /** The ROS connection, looked up when the plugin starts (undefined with ROS off). */
  ros(): RosConnection | undefined;
  /** Process ids other built-ins learnt (beacons) for the Linux introspection plugins. */
  processHints: ProcessIdHints;
}

/** Creates the module object of one built-in plugin (one per gateway). */
export type BuiltinPlugin = (deps: BuiltinDeps) => PluginModule | Promise<PluginModule>;

/** The built-in plugins by configuration name. */
export const BUILTIN_PLUGINS: Readonly<Record<string, BuiltinPlugin>> = {
  // Beacons hand the process ids of their live hints to the introspection plugins (gateway.md §5).
  [PARAMETER_BEACON]: (d) => parameterBeaconModule(rosParameterBeaconDeps(d.ros), (source, pids) => d.processHints.set(source, pids)),
  [TOPIC_BEACON]: (d) => topicBeaconModule(rosTopicBeaconDeps(d.ros), (source, pids) => d.processHints.set(source, pids)),
  ...LINUX_INTROSPECTION_PLUGINS,
  graph_provider: () => graphProviderModule,
  graph_watchdog: () => graphWatchdogModule,
  // Imported on first use: node-opcua is large and an optional dependency.
  opcua: () => import('./opcua/index.js'),
};

export const BUILTIN_PLUGIN_NAMES: readonly string[] = Object.keys(BUILTIN_PLUGINS);

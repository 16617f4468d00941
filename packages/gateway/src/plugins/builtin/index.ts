// Built-in plugins of this repository (gateway.md §2.11): enabled by name in `plugins: [...]` without a
// `path`, registered in-process through the same plugin contract as plugin files. A `path` given for one
// of these names loads that file instead.
import type { RosConnection } from '../../ros/connection.js';
import type { PluginModule } from '../contract.js';
import { parameterBeaconModule, rosParameterBeaconDeps, rosTopicBeaconDeps, topicBeaconModule } from './beacons/modules.js';
import { PARAMETER_BEACON } from './beacons/parameter/plugin.js';
import { TOPIC_BEACON } from './beacons/topic/plugin.js';

/** What built-ins may use of the gateway beyond the plugin context (looked up when they start). */
export interface BuiltinDeps {
  ros(): RosConnection | undefined;
}

/** Built-in plugin modules by their configuration name. */
export const BUILTIN_PLUGINS: Readonly<Record<string, (deps: BuiltinDeps) => PluginModule>> = {
  [PARAMETER_BEACON]: (d) => parameterBeaconModule(rosParameterBeaconDeps(d.ros)),
  [TOPIC_BEACON]: (d) => topicBeaconModule(rosTopicBeaconDeps(d.ros)),
};

export const BUILTIN_PLUGIN_NAMES: readonly string[] = Object.keys(BUILTIN_PLUGINS);

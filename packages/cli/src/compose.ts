// What `medkit gateway` and `medkit fleet` are made of: the gateway core's features with the built-in
// plugins, the robot's fleet link and VDA 5050 bridge, and the fleet server. Features that are off load
// nothing heavy until turned on: a built-in plugin is imported when `plugins` names it, NATS and MQTT when
// the fleet link or the bridge starts, and the fleet server only when a replica starts.
import { defaultFeatures as coreFeatures, ENTITIES_SERVICE, FAULTS_SERVICE, FEATURE_KEY_GROUPS as CORE_FEATURE_KEY_GROUPS, LOGS_SERVICE, type GatewayConfig, type GatewayFeature } from '@medkit/gateway';
import { type KeySpec } from '@medkit/kit';
import { createFleetLinkFeature, createVda5050Feature, FLEET_COMMON_KEYS, FLEET_LINK_KEYS, VDA5050_KEYS, type RobotServices } from '@medkit/fleet-link';
// Type only: the fleet server's code (pg, the ingest) stays unloaded until loadFleetServer().
import type { createFleetFeature } from '@medkit/fleet';
import { FLEET_SERVER_KEYS } from '@medkit/fleet/keys';
import { BUILTIN_PLUGINS } from './builtins.js';

export { BUILTIN_PLUGINS, BUILTIN_PLUGIN_NAMES } from './builtins.js';

/** Keys of every feature `medkit` composes by feature title, for the generated reference. */
export const FEATURE_KEY_GROUPS: [string, Record<string, KeySpec>][] = [
  ...CORE_FEATURE_KEY_GROUPS,
  ['Fleet (robot and fleet tier)', { ...FLEET_COMMON_KEYS, ...FLEET_LINK_KEYS }],
  ['VDA 5050 bridge', VDA5050_KEYS],
  ['Fleet server (medkit fleet)', FLEET_SERVER_KEYS],
];

/** Keys of every feature `medkit` composes, for the config loader. */
export const FEATURE_KEYS: Record<string, KeySpec> = Object.assign({}, ...FEATURE_KEY_GROUPS.map(([, k]) => k));

/** The gateway's services the fleet link and the VDA 5050 bridge read (checked against their declared needs). */
const ROBOT_SERVICES: RobotServices = { entities: ENTITIES_SERVICE, faults: FAULTS_SERVICE, logs: LOGS_SERVICE };

/**
 * The features of a default `medkit gateway`: the core's with the built-in plugins enabled by name, then the
 * robot's fleet link and VDA 5050 bridge (both off by default).
 */
export function defaultFeatures(config: GatewayConfig): GatewayFeature[] {
  return [...coreFeatures(config, { builtinPlugins: BUILTIN_PLUGINS }), createFleetLinkFeature(config, ROBOT_SERVICES), createVda5050Feature(config, ROBOT_SERVICES)];
}

/** The fleet server's feature (`medkit fleet`), imported only when a fleet replica starts. */
export async function loadFleetServer(): Promise<{ createFleetFeature: typeof createFleetFeature }> {
  return import('@medkit/fleet');
}

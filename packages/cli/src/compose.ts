// What `medkit gateway` and `medkit fleet` are made of: the gateway core's features with the built-in
// plugins, the robot's fleet link and VDA 5050 bridge, and the fleet server. Features that are off load
// no heavy library (NATS, MQTT) until turned on, and the fleet server is imported only when a replica starts.
import { defaultFeatures as coreFeatures, FEATURE_KEY_GROUPS as CORE_FEATURE_KEY_GROUPS, type GatewayConfig, type GatewayFeature, type KeySpec } from '@medkit/gateway';
import { createFleetLinkFeature, createVda5050Feature, FLEET_COMMON_KEYS, FLEET_LINK_KEYS, VDA5050_KEYS } from '@medkit/fleet-link';
// Type only: the fleet server's code (pg, the ingest) stays unloaded until loadFleetServer().
import type { createFleetFeature } from '@medkit/fleet';
import { FLEET_SERVER_KEYS } from '@medkit/fleet/keys';

/** Keys of every feature `medkit` composes by feature title, for the generated reference. */
export const FEATURE_KEY_GROUPS: [string, Record<string, KeySpec>][] = [
  ...CORE_FEATURE_KEY_GROUPS,
  ['Fleet (robot and fleet tier)', { ...FLEET_COMMON_KEYS, ...FLEET_LINK_KEYS }],
  ['VDA 5050 bridge', VDA5050_KEYS],
  ['Fleet server (medkit fleet)', FLEET_SERVER_KEYS],
];

/** Keys of every feature `medkit` composes, for the config loader. */
export const FEATURE_KEYS: Record<string, KeySpec> = Object.assign({}, ...FEATURE_KEY_GROUPS.map(([, k]) => k));

/** The features of a default `medkit gateway`: the core's, then the robot's fleet link and VDA 5050 bridge (both off by default). */
export function defaultFeatures(config: GatewayConfig): GatewayFeature[] {
  return [...coreFeatures(config), createFleetLinkFeature(config), createVda5050Feature(config)];
}

/** The fleet server's feature (`medkit fleet`), imported only when a fleet replica starts. */
export async function loadFleetServer(): Promise<{ createFleetFeature: typeof createFleetFeature }> {
  return import('@medkit/fleet');
}

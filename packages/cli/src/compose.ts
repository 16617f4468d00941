// What `medkit gateway` and `medkit fleet` are made of: the gateway core's features with the built-in
// plugins, the robot's fleet link, and the fleet server. Features that are off are imported only when
// turned on, so a default gateway never loads their code or libraries.
import { defaultFeatures as coreFeatures, type GatewayConfig, type GatewayFeature } from '@medkit/gateway';
import { BUILTIN_PLUGINS } from './builtins.js';

export { FEATURE_KEYS, FEATURE_KEY_GROUPS } from '@medkit/gateway';
export { BUILTIN_PLUGINS, BUILTIN_PLUGIN_NAMES } from './builtins.js';

/** The features of a default `medkit gateway`: the core's, with the built-in plugins enabled by name. */
export function defaultFeatures(config: GatewayConfig): GatewayFeature[] {
  return coreFeatures(config, { builtinPlugins: BUILTIN_PLUGINS });
}

/** The fleet server's feature (`medkit fleet`), imported only when a fleet replica starts. */
export async function loadFleetServer(): Promise<{ createFleetFeature(config: GatewayConfig): GatewayFeature }> {
  return import('@medkit/gateway/fleet-server');
}

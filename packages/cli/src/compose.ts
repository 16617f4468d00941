// What `medkit gateway` and `medkit fleet` are made of: the gateway core's features with the built-in
// plugins, the robot's fleet link, and the fleet server. Features that are off are imported only when
// turned on, so a default gateway never loads their code or libraries.
import type { GatewayFeature } from '@medkit/gateway';

export { defaultFeatures, FEATURE_KEYS, FEATURE_KEY_GROUPS } from '@medkit/gateway';

/** The fleet server's feature (`medkit fleet`), imported only when a fleet replica starts. */
export async function loadFleetServer(): Promise<{ createFleetFeature(config: import('@medkit/gateway').GatewayConfig): GatewayFeature }> {
  return import('@medkit/gateway/fleet-server');
}

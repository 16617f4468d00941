// The features a default `medkit gateway` runs, in registration order (routing order matters).
import type { GatewayConfig } from './config/index.js';
import type { GatewayFeature } from './feature.js';

export function defaultFeatures(_config: GatewayConfig): GatewayFeature[] {
  return [];
}

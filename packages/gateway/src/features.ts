// The features a default `medkit gateway` runs, in registration order (routing order matters),
// and the configuration keys they contribute.
import type { GatewayConfig, KeySpec } from './config/index.js';
import type { GatewayFeature } from './feature.js';

/** Feature modules that make up the default gateway. Each is a factory so config can shape it. */
const FEATURE_FACTORIES: ((config: GatewayConfig) => GatewayFeature)[] = [];

/** Keys of every default feature, for the config loader and the generated reference. */
export const FEATURE_KEYS: Record<string, KeySpec> = {};

export function defaultFeatures(config: GatewayConfig): GatewayFeature[] {
  return FEATURE_FACTORIES.map((make) => make(config));
}

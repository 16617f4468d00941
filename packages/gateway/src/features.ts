// The features a default `medkit gateway` runs, in registration order (routing order matters),
// and the configuration keys they contribute.
import type { GatewayConfig, KeySpec } from './config/index.js';
import type { GatewayFeature } from './feature.js';
import { createEntitiesFeature } from './entities/http/feature.js';

/** Feature modules that make up the default gateway. Each is a factory so config can shape it. */
const FEATURE_FACTORIES: ((config: GatewayConfig) => GatewayFeature)[] = [() => createEntitiesFeature()];

/** Keys of every default feature by feature title, for the generated reference. */
export const FEATURE_KEY_GROUPS: [string, Record<string, KeySpec>][] = [];

/** Keys of every default feature, for the config loader. */
export const FEATURE_KEYS: Record<string, KeySpec> = Object.assign({}, ...FEATURE_KEY_GROUPS.map(([, k]) => k));

export function defaultFeatures(config: GatewayConfig): GatewayFeature[] {
  return FEATURE_FACTORIES.map((make) => make(config));
}

// @medkit/cli as a library: the composition `medkit` runs (a default gateway's features and keys), for
// embedders, the demo and the documentation generators.
export { defaultFeatures, FEATURE_KEYS, FEATURE_KEY_GROUPS, loadFleetServer } from './compose.js';
export { main } from './main.js';

// @medkit/cli as a library: the composition `medkit` runs (a default gateway's features, keys and built-in
// plugins), for embedders, the demo, tests and the documentation generators.
export { BUILTIN_PLUGINS, BUILTIN_PLUGIN_NAMES, defaultFeatures, FEATURE_KEYS, FEATURE_KEY_GROUPS, loadFleetServer } from './compose.js';
export { main } from './main.js';
export { NODE_RUNTIME_FLAGS } from './runtime-flags.js';

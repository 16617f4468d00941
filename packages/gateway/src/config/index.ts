export { describeConfigOrigins, loadConfig, GatewayConfig, type ConfigOrigin, type LoadOptions } from './load.js';
export { flatten, readConfigFile, readYamlConfig, readEnvConfig, ROS_NODE_KEY_PREFIX, type ConfigFileValues, type FlatConfig } from './sources.js';
export { coerce, type Adjustment } from './validate.js';
export { ALL_KEYS, type ConfigKeyName, type ConfigValues } from './keys.js';
export { CORE_KEY_GROUPS } from './groups.js';
export { renderConfigReference } from './reference.js';

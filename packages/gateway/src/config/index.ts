export { loadConfig, type GatewayConfig } from './load.js';
export { ALL_KEYS, ROS_KEYS, ROS_SECURITY_KEYS, DISCOVERY_KEYS } from './keys.js';
export { CORE_KEY_GROUPS } from './groups.js';
export { describeConfigOrigins, type FlatConfig, type LoadOptions } from '@medkit/server';

/** ROS 2 names: validation, node FQNs, and mapping of topics, services, actions and types to DDS. */
export * from './ros-names.js';
export * from './dds-topics.js';
export * from './dds-types.js';
export * from './actions.js';
export * from './node-services.js';

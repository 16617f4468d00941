// Public API of the fault manager domain. The HTTP layer and the ROS wiring import from here only.
export * from './model.js';
export * from './validation.js';
export * from './debounce.js';
export * from './engine.js';
export * from './config.js';
export * from './clock.js';
export * from './log.js';
export * from './events.js';
export * from './manager.js';
export * from './storage/index.js';
export * from './query/list.js';
export * from './correlation/config.js';
export * from './correlation/engine.js';

// @medkit/plugin-api: everything a plugin imports, built-in or not (docs/plugins.md). The module and provider
// interfaces, the context the gateway hands a plugin, the entity model, SOVD errors, deadlines, the retry backoff, fault-point
// evaluation and validation helpers, and OpenAPI fragments for documenting vendor routes.
export * from './contract.js';
export * from './ros-access.js';
export * from './host-access.js';
export * from './entities.js';
export * from './errors.js';
export * from './deadline.js';
export * from './backoff.js';
export * from './failures.js';
export * from './fault-points.js';
export * from './fault-validation.js';
export * from './text.js';
export * from './openapi.js';

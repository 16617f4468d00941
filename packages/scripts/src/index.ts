// @medkit/scripts: running diagnostic scripts on the robot, apart from any server. The gateway holds the
// routes and the feature that wires this to its entities, locks and plugins; everything else is here.
export * from './argv.js';
export * from './audit.js';
export { probeCgroups, removeWhenEmpty, SYSTEM_CGROUPS, type CgroupBackend, type CgroupProbe, type CgroupSystem, type ExecutionCgroup, type ReclaimedCgroup, type ExecutionLimits as CgroupLimits } from './cgroups.js';
export * from './config.js';
export { EXECUTION_TYPES, ExecutionManager, type ExecutionLimits, type ExecutionType, type StartRequest } from './executions.js';
export * from './executor.js';
export * from './format.js';
export * from './ids.js';
export * from './local-executor.js';
export * from './metadata.js';
export * from './model.js';
export * from './outcome.js';
export * from './output.js';
export * from './parameters.js';
export * from './processes.js';
export * from './recovery.js';
export * from './rest-schemas.js';
export * from './runner.js';
export * from './sandbox.js';
export * from './service.js';
export * from './store.js';

// Public surface of the scripts feature.
export { createScriptsFeature, SCRIPTS_SERVICE, type ScriptsFeatureOptions } from './feature.js';
export { SCRIPTS_KEYS } from './config.js';
export type { ScriptsService } from './service.js';
export type { ScriptExecutor, ExecutionRequest, ExecutionHandle, ExecutionOutcome, ExecutionCallbacks } from './executor.js';
export { LocalProcessExecutor } from './local-executor.js';
export { ScriptRunner } from './runner.js';
export { toResult, parseResult, type ExecutionResult } from './outcome.js';
export type { ScriptDefinition, ScriptExecution, Actor } from './model.js';
export { parseProgressLine } from './output.js';

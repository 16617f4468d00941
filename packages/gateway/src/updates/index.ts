// Public surface of the software-updates feature.
export { createUpdatesFeature, UPDATES_SERVICE, type UpdatesFeatureOptions } from './feature.js';
export { UPDATES_KEYS } from './config.js';
export type { UpdateProvider, UpdateReporter } from './provider.js';
export { UpdateManager, type StatusListener } from './manager.js';
export { ScriptUpdateProvider, type ScriptStep } from './script-provider.js';
export type { UpdatePackage, UpdateStatusView, UpdatePhase, UpdateState } from './model.js';

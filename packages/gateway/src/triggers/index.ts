// Public API of the triggers feature.
export { createTriggersFeature, TRIGGER_KEYS, TRIGGERS_SERVICE, TRIGGER_CONDITIONS_SERVICE, LOG_INJECTOR_SERVICE, type TriggersFeatureOptions } from './feature.js';
export { TriggerEngine, type TriggerEngineOptions, type TriggerLogSink } from './engine.js';
export { ConditionRegistry, type ConditionEvaluator, type Previous } from './conditions.js';
export { signBody } from './webhook.js';
export { jsonEqual, parsePointer, resolvePointer } from './json.js';
export type { EventEnvelope, Trigger, TriggerDefinition, TriggerView, DeliveryStatus } from './model.js';

export { createLifecycleFeature, LIFECYCLE_SERVICE } from './feature.js';
export { LifecycleService, type StatusBody, type LifecycleRef, type LifecycleServiceDeps } from './service.js';
export { LifecycleProviderError, type LifecycleProvider, type LifecycleStatus, type LifecycleEntity, type ProviderErrorKind, type ReadyStatus } from './provider.js';
export { RosManagedNodeProvider, type LifecycleBackend, type TransitionRecord, type RosLifecycleOptions } from './ros-provider.js';
export { planTransition, SOVD_TRANSITIONS, STATE, TRANSITION, TRANSITION_NAMES, type PlanStep, type SovdTransition } from './plan.js';
export { rosLifecycleBackend } from './backend.js';

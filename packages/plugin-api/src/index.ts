// @medkit/plugin-api: the plugin contract, everything a plugin imports, built-in or not (docs/plugins.md). The
// module and provider interfaces, the context the gateway hands a plugin, PluginError and how a plugin's
// failure reaches a client, deadlines on plugin calls, fault-point evaluation, device-text cleaning and OpenAPI
// fragments for documenting vendor routes.
export * from './contract.js';
export * from './ros-access.js';
export * from './host-access.js';
export * from './deadline.js';
export * from './map-limited.js';
export * from './failures.js';
export * from './fault-points.js';
export * from './text.js';
export * from './openapi.js';
// The SOVD core (@medkit/sovd) names a plugin needs, re-exported so that a plugin keeps importing this package
// alone and one written before the core had its own package keeps compiling: the entity model, the SOVD error
// table and SovdError, the factory of coded errors (a plugin defines its own codes with it), fault-code
// validation, the retry backoff, the edit distance and the injected clock (a plugin's timers and windows take
// a Clock so that its tests move time by hand with ManualClock). The gateway and the
// servers import them from @medkit/sovd directly.
export {
  ENTITY_TYPES,
  IDENTITY_FIELDS,
  effectiveFqn,
  joinFqn,
  normalizeNamespace,
  type EntityType,
  type EntityBase,
  type Area,
  type IdentityField,
  type Identity,
  type HostMetadata,
  type Component,
  type RosBinding,
  type ServiceInfo,
  type ActionInfo,
  type TopicSet,
  type App,
  type SovdFunction,
  type Entity,
  ERROR_STATUS,
  VENDOR_STATUS,
  SovdError,
  errorBody,
  isValidEntityId,
  type ErrorCode,
  type VendorCode,
  type GenericErrorBody,
  createError,
  type ErrorDefinition,
  MAX_FAULT_CODE_LENGTH,
  MAX_RECORDING_ID_LENGTH,
  validateFaultCode,
  validateRecordingId,
  validateReport,
  type ReportFaultRequest,
  Backoff,
  type BackoffJitter,
  type BackoffOptions,
  type BackoffBounds,
  editDistance,
  systemClock,
  ManualClock,
  type Clock,
  type TimerHandle,
} from '@medkit/sovd';

/**
 * @medkit/ros2: a ROS 2 client over @medkit/rtps, without a ROS 2 install. Contexts and nodes,
 * the live graph, publishers and subscriptions, service clients and servers (both vendors'
 * conventions), actions, parameters, lifecycle, /rosout and runtime type lookup; plus the type
 * registry (CDR, JSON form) and ROS name mangling underneath.
 */
export * from './types/index.js';
export * from './names/index.js';

export { RosContext, type RosContextOptions, type RosSecurityOption } from './client/context.js';
export { RosNode, type NodeOptions } from './client/node.js';
export type { GidLayout, DiscoveryInfoStatus, HeldDiscoveryReader } from './client/discovery-publisher.js';
export { ROS_DISTROS, generationOfDistro, gidSizeOfGeneration, isRosDistro, type RosDistro, type WireGeneration } from './graph/distro.js';
export { RosCallError, RosTimeoutError, RosUnavailableError, RosAbortedError, RosRemoteError } from './client/errors.js';
export { rosFailure, type RosFailure } from './client/failure.js';
export { DEFAULT_TIMEOUT_MS, onAbort, type CallOptions } from './client/deadline.js';
export {
  QOS_DEFAULT,
  QOS_SENSOR_DATA,
  QOS_SERVICES_DEFAULT,
  QOS_PARAMETERS,
  QOS_PARAMETER_EVENTS,
  QOS_ACTION_STATUS,
  QOS_ROSOUT,
  QOS_TRANSIENT_LOCAL,
  QOS_PROFILES,
  qosForWriters,
  resolveProfile,
  type QosInput,
} from './client/qos-profiles.js';
export { NodeLogger, LogLevel, type LogLevelName } from './client/logger.js';
export { RosoutReader, type RosLogEntry } from './client/rosout.js';
export { TypeLookup, type TypeLookupOptions } from './client/type-lookup.js';
export { NodeClients } from './client/node-clients.js';
export { rosNow, rosTimeToMs, type RosTime } from './client/time.js';

export { RosGraph, type GraphQueryOptions, type ServiceServerInfo } from './graph/graph.js';
export {
  UNKNOWN_NODE_NAME,
  UNKNOWN_NODE_NAMESPACE,
  type GraphEndpoint,
  type GraphNode,
  type RuntimeGraphSnapshot,
  type RosEndpointInfo,
  type RosNodeInfo,
  type RosServiceInfo,
  type RosActionInfo,
  type RosParticipantInfo,
} from './graph/model.js';
export { decodeDiscoveryInfo, encodeDiscoveryInfo, DISCOVERY_INFO_TOPIC, DISCOVERY_INFO_DDS_TYPE, type NodeEntities, type ParticipantEntities } from './graph/discovery-info.js';
export { parseUserData } from './graph/user-data.js';

export { Publisher } from './topics/publisher.js';
export { Subscription, type MessageCallback, type MessageInfo, type SubscriptionOptions } from './topics/subscription.js';
export { DEFAULT_MAX_DECODED_VALUES, DEFAULT_SAMPLE_BYTES_BY_TYPE, sampleBytesFor, type SampleLimits, type SampleRefusal } from './topics/sample-limits.js';

export { UnansweredCalls, UNANSWERED_AFTER, type UnansweredServer } from './services/unanswered-calls.js';
export { ServiceClient, type ChosenServer, type ServiceCallOptions, type ServiceClientOptions } from './services/service-client.js';
export { ServiceServer, type RequestInfo, type ServiceHandler, type ServiceServerOptions, type ServiceServerStats } from './services/service-server.js';
export { conventionForVendor, type ServiceConvention } from './services/conventions.js';

export { ActionClient, ClientGoalHandle, type ActionClientOptions, type CancelResponse, type GoalResult } from './actions/action-client.js';
export { ActionServer, ServerGoalHandle, type ActionServerHandlers } from './actions/action-server.js';
export { GoalStatus, CancelReturnCode, goalIdHex, goalIdFromHex, type GoalInfoMsg, type UuidMsg } from './actions/goal-status.js';

export { ParameterServer, type ParameterDescriptorInput, type ParameterServerOptions, type SetParameterResult, type SetParametersCallback } from './parameters/parameter-server.js';
export { ParameterClient, type ParameterAssignment, type RemoteParameter } from './parameters/parameter-client.js';
export { ParameterType, PARAMETER_TYPE_NAMES, toParameterValue, fromParameterValue, type ParameterJsValue, type ParameterValueMsg } from './parameters/values.js';
export type { ParameterDescriptorMsg } from './parameters/parameter-rules.js';

export { LifecycleClient } from './lifecycle/lifecycle-client.js';
export { ManagedLifecycle, type LifecycleCallbacks, type CallbackResult } from './lifecycle/managed-lifecycle.js';
export { LifecycleState, LifecycleTransition, type IdLabel, type TransitionDescription } from './lifecycle/states.js';

/** Vendor ids as they appear in graph entries (`vendorId`), from @medkit/rtps. */
export { VendorId, vendorName } from '@medkit/rtps';
/** What createWriter / createReader (and so publishers, subscriptions, clients, servers) throw under DDS-Security on a topic refused to us. */
export { EndpointRefusedError } from '@medkit/rtps';

// SROS2 settings (no crypto). Loading and validating a keystore is in '@medkit/ros2/security'.
export { ENCLAVE_FILES, enclaveDir, enclaveProblem, securitySettingsFromEnv, type SecuritySettings, type SecurityStrategy } from './security/settings.js';

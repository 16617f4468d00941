// @medkit/client: a typed client for the medkit SOVD gateway (Node 20+ and browsers).
export { MedkitClient, createMedkitClient, gatewayOrigin, API_BASE, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './client.js';
export type { MedkitClientOptions, CallOptions, CallResult, RequestOptions, TokenProvider, Download, EntityGetOptions } from './client.js';
export type { Method, PathOf, ResponseData, EntityCollection, EntityResource, EntityPath, EntityQuery, EntityResponse, ResourceParams } from './typed-paths.js';
export { ENTITY_ID_PARAM } from './typed-paths.js';
export { MedkitError, SovdClientError, MedkitNetworkError, MedkitTimeoutError, MedkitResponseTooLargeError, errorFromBody } from './errors.js';
export type { SovdErrorBody } from './errors.js';
export { openEventStream } from './sse/stream.js';
export type { EventStream, EventStreamHandlers, EventStreamOptions, EventStreamSetup, StreamState } from './sse/stream.js';
// The parser is the core's, shared with the gateway's client of its peers' streams.
export { SseParser } from '@medkit/sovd';
export type { SseMessage, SseLimits, SseSink } from '@medkit/sovd';
export { parseFaultEvent, parseFaultOrMutedEvent, parseEnvelope, parseWatchChange, parseTopicStreamEvent, FAULT_MUTED_EVENT } from './sse/events.js';
export type { FaultStreamEvent, MutedFaultEvent, ReplayTruncated, FaultEventType, FaultListItem, EventEnvelope, EnvelopeError, TopicStreamEvent } from './sse/events.js';
export type { WatchChange, TopicStreamData, TopicStreamStats, TopicRateStats } from '@medkit/sovd';
export { parseFleetStreamEvent, fleetFaultParams, fleetFaultCodeParams, FLEET_RESYNC_EVENT } from './fleet.js';
export { FleetEventOrder, fleetEventPosition } from './fleet-order.js';
export type { FleetRobot, FleetRobotDetail, FleetSovdFaultStatus, FleetFault, FleetFaultPage, FleetFaultQuery, FleetFaultCode, FleetFaultCodePage, FleetFaultCodeQuery, FleetRobotEntity, FleetRobotFaultDetail, FleetFaultEvent, FleetFaultEventBody, FleetResync, FleetStreamEvent } from './fleet.js';
export type * from './types.js';
export type { paths, components, operations } from './generated.js';

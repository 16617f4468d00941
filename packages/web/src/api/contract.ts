// Compile-time ties between the UI and the gateway's generated API types (@medkit/client): the
// routes the UI calls and the fields it reads must exist in the gateway's OpenAPI document, so a
// renamed route or field breaks `npm run typecheck -w packages/web` instead of the running UI.
// Every route the UI calls is listed; fields of pass-through objects (x-medkit of peers and
// plugins) are still read tolerantly by the models, since the document types them as open maps.
import type { components, operations, paths } from '@medkit/client';

/** Path templates of the document, relative to the API base (the document's servers[0].url). */
type ApiPath = keyof paths;

/** JSON body of a 200 response. */
type OkJson<R> = R extends { 200: { content: { 'application/json': infer B } } } ? B : never;

/** 200 JSON body of a GET route. */
export type GetBody<P extends ApiPath> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer B } } } } } ? B : never;

export type EntityListItem = components['schemas']['EntityListItem'];
export type EntityDetail = components['schemas']['EntityDetail'];
export type GenericError = components['schemas']['GenericError'];
export type LockItem = components['schemas']['Lock'];
export type HealthBody = GetBody<'/health'>;
type VersionInfoBody = components['schemas']['VersionInfo'];
export type FaultListItem = components['schemas']['FaultListItem'];
export type FaultDetail = components['schemas']['FaultDetail'];
export type FaultSnapshot = components['schemas']['FaultSnapshot'];
export type SovdFaultStatus = components['schemas']['SovdFaultStatus'];
export type BulkDataDescriptor = components['schemas']['BulkDataDescriptor'];
type DataListBody = GetBody<'/apps/{app_id}/data'>;
export type DataItem = DataListBody['items'][number];
export type DataValueBody = GetBody<'/apps/{app_id}/data/{data_id}'>;
type OperationListBody = GetBody<'/apps/{app_id}/operations'>;
export type OperationItem = OperationListBody['items'][number];
export type ExecutionBody = GetBody<'/apps/{app_id}/operations/{operation_id}/executions/{execution_id}'>;
type ConfigurationListBody = GetBody<'/apps/{app_id}/configurations'>;
type ConfigurationBody = GetBody<'/apps/{app_id}/configurations/{config_id}'>;
type LogListBody = GetBody<'/apps/{app_id}/logs'>;
export type LogEntry = LogListBody['items'][number];
export type StatusBody = GetBody<'/apps/{app_id}/status'>;
type BulkDataCategoriesBody = GetBody<'/apps/{app_id}/bulk-data'>;
type ServiceResultBody = OkJson<operations['executeAppOperation']['responses']>;

/** Discovery and info routes the UI calls (docs/api.md). */
export const USED_ROUTES = [
  '/health',
  '/version-info',
  '/areas',
  '/components',
  '/apps',
  '/functions',
  '/areas/{area_id}',
  '/components/{component_id}',
  '/apps/{app_id}',
  '/functions/{function_id}',
  '/areas/{area_id}/subareas',
  '/areas/{area_id}/components',
  '/components/{component_id}/subcomponents',
  '/components/{component_id}/hosts',
  '/functions/{function_id}/hosts',
  '/apps/{app_id}/locks',
  '/components/{component_id}/locks',
] as const satisfies readonly ApiPath[];

/**
 * Resource routes the UI calls on any entity type (shown here for apps; the entity tabs build the
 * same paths under /components, /areas and /functions), plus the global fault routes (docs/resources.md).
 */
export const USED_RESOURCE_ROUTES = [
  '/faults',
  '/faults/stream',
  '/apps/{app_id}/faults',
  '/apps/{app_id}/faults/{fault_code}',
  '/apps/{app_id}/data',
  '/apps/{app_id}/data/{data_id}',
  '/apps/{app_id}/operations',
  '/apps/{app_id}/operations/{operation_id}/executions',
  '/apps/{app_id}/operations/{operation_id}/executions/{execution_id}',
  '/apps/{app_id}/configurations',
  '/apps/{app_id}/configurations/{config_id}',
  '/apps/{app_id}/logs',
  '/apps/{app_id}/status',
  '/apps/{app_id}/status/start',
  '/apps/{app_id}/status/restart',
  '/apps/{app_id}/status/force-restart',
  '/apps/{app_id}/status/shutdown',
  '/apps/{app_id}/status/force-shutdown',
  '/apps/{app_id}/bulk-data',
  '/apps/{app_id}/bulk-data/{category_id}',
  '/apps/{app_id}/bulk-data/{category_id}/{file_id}',
  '/components/{component_id}/data',
  '/components/{component_id}/configurations',
  '/components/{component_id}/faults',
  '/components/{component_id}/bulk-data',
  '/functions/{function_id}/data',
  '/areas/{area_id}/faults',
] as const satisfies readonly ApiPath[];

// A body type that failed to resolve (never) must not satisfy every field check.
type Has<T, K extends string> = [T] extends [never] ? false : K extends keyof T ? true : false;
type All<T extends readonly boolean[]> = T[number] extends true ? true : false;
type Assert<T extends true> = T;

/** Fields model/entities.ts, model/capabilities.ts, model/health.ts, ui/tabs/locks-tab.tsx and the error display read. */
export type ContractHolds = Assert<
  All<
    [
      Has<EntityListItem, 'id'>,
      Has<EntityListItem, 'name'>,
      Has<EntityListItem, 'type'>,
      Has<EntityListItem, 'x-medkit'>,
      Has<EntityListItem, 'description'>,
      Has<EntityListItem, 'tags'>,
      Has<EntityDetail, 'capabilities'>,
      Has<EntityDetail, '_links'>,
      Has<GenericError, 'error_code'>,
      Has<GenericError, 'vendor_code'>,
      Has<GenericError, 'parameters'>,
      Has<LockItem, 'id'>,
      Has<LockItem, 'owned'>,
      Has<LockItem, 'scopes'>,
      Has<LockItem, 'lock_expiration'>,
      Has<HealthBody, 'warnings'>,
      Has<HealthBody, 'status'>,
      Has<VersionInfoBody, 'items'>,
    ]
  >
>;

/** Fields model/faults.ts, model/fault-detail.ts and model/freeze-frame.ts read. */
export type FaultContractHolds = Assert<
  All<
    [
      Has<FaultListItem, 'fault_code'>,
      Has<FaultListItem, 'fault_name'>,
      Has<FaultListItem, 'description'>,
      Has<FaultListItem, 'severity'>,
      Has<FaultListItem, 'severity_label'>,
      Has<FaultListItem, 'status'>,
      Has<FaultListItem['x-medkit'], 'status'>,
      Has<FaultListItem, 'entity_id'>,
      Has<FaultListItem, 'reporting_sources'>,
      Has<FaultListItem, 'first_occurred'>,
      Has<FaultListItem, 'last_occurred'>,
      Has<FaultListItem, 'occurrence_count'>,
      Has<SovdFaultStatus, 'aggregatedStatus'>,
      Has<SovdFaultStatus, 'testFailed'>,
      Has<SovdFaultStatus, 'confirmedDTC'>,
      Has<FaultDetail['item'], 'code'>,
      Has<FaultDetail['item'], 'status'>,
      Has<FaultDetail['environment_data'], 'snapshots'>,
      Has<FaultDetail['environment_data']['extended_data_records'], 'first_occurrence'>,
      Has<FaultDetail['x-medkit'], 'status_raw'>,
      Has<FaultDetail['x-medkit'], 'occurrence_count'>,
      Has<FaultSnapshot, 'type'>,
      Has<FaultSnapshot, 'name'>,
      Has<FaultSnapshot, 'data'>,
      Has<FaultSnapshot, 'bulk_data_uri'>,
      Has<FaultSnapshot, 'size_bytes'>,
      Has<FaultSnapshot, 'duration_sec'>,
      Has<FaultSnapshot, 'format'>,
      Has<BulkDataDescriptor, 'id'>,
      Has<BulkDataDescriptor, 'name'>,
      Has<BulkDataDescriptor, 'size'>,
      Has<BulkDataDescriptor, 'creation_date'>,
      Has<BulkDataDescriptor, 'x-medkit'>,
    ]
  >
>;

/** Fields the data, operations, configurations, logs, lifecycle and bulk-data tabs read. */
export type ResourceContractHolds = Assert<
  All<
    [
      Has<DataItem, 'id'>,
      Has<DataItem, 'name'>,
      Has<DataItem, 'x-medkit'>,
      Has<DataValueBody, 'data'>,
      Has<DataValueBody, 'x-medkit'>,
      Has<OperationItem, 'id'>,
      Has<OperationItem, 'name'>,
      Has<OperationItem, 'asynchronous_execution'>,
      Has<OperationItem, 'x-medkit'>,
      Has<ServiceResultBody, 'parameters'>,
      Has<ExecutionBody, 'status'>,
      Has<ExecutionBody, 'parameters'>,
      Has<ExecutionBody, 'x-medkit'>,
      Has<ConfigurationListBody, 'items'>,
      Has<ConfigurationListBody, 'x-medkit'>,
      Has<ConfigurationBody, 'data'>,
      Has<ConfigurationBody, 'x-medkit'>,
      Has<LogEntry, 'id'>,
      Has<LogEntry, 'timestamp'>,
      Has<LogEntry, 'severity'>,
      Has<LogEntry, 'message'>,
      Has<LogEntry, 'context'>,
      Has<StatusBody, 'status'>,
      Has<BulkDataCategoriesBody, 'items'>,
    ]
  >
>;

// Names for the schemas and bodies callers use most, taken from the generated document types.
import type { components, paths } from './generated.js';
import type { ResponseData } from './typed-paths.js';

export type Schemas = components['schemas'];
export type GenericError = Schemas['GenericError'];
export type EntityListItem = Schemas['EntityListItem'];
export type EntityDetail = Schemas['EntityDetail'];
export type Lock = Schemas['Lock'];
export type VersionInfo = Schemas['VersionInfo'];
export type FaultDetail = Schemas['FaultDetail'];
export type FaultSnapshot = Schemas['FaultSnapshot'];
export type SovdFaultStatus = Schemas['SovdFaultStatus'];
export type BulkDataDescriptor = Schemas['BulkDataDescriptor'];
export type HealthBody = ResponseData<'/health', 'get'>;
export type FaultListBody = ResponseData<'/faults', 'get'>;
export type Trigger = ResponseData<'/apps/{app_id}/triggers/{trigger_id}', 'get'>;
export type CyclicSubscription = ResponseData<'/apps/{app_id}/cyclic-subscriptions/{subscription_id}', 'get'>;
export type ApiPaths = keyof paths;

// Compile-time ties between the UI and the gateway's generated API types (generated.ts): the
// routes the UI calls and the fields it reads must exist in the gateway's OpenAPI document, so a
// renamed route or field breaks `npm run typecheck -w packages/web` instead of the running UI.
// Routes the gateway does not serve yet (data, operations, faults, ...) are read tolerantly and
// join this list as their schemas appear in the document.
import type { components, paths } from './generated';

/** Path templates of the document relative to the API base. */
export type ApiPath = keyof paths extends infer P ? (P extends `/api/v1${infer R}` ? R : never) : never;

/** 200 JSON body of a GET route. */
export type GetBody<P extends ApiPath> = paths[`/api/v1${P}`] extends { get: { responses: { 200: { content: { 'application/json': infer B } } } } } ? B : never;

export type EntityListItem = components['schemas']['EntityListItem'];
export type EntityDetail = components['schemas']['EntityDetail'];
export type GenericError = components['schemas']['GenericError'];
export type LockItem = components['schemas']['Lock'];
export type HealthBody = GetBody<'/health'>;
export type VersionInfoBody = GetBody<'/version-info'>;

/** Discovery and info routes the UI calls (spec/api.md §4–§5). */
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

type Has<T, K extends string> = K extends keyof T ? true : false;
type All<T extends readonly boolean[]> = T[number] extends true ? true : false;
type Assert<T extends true> = T;

/** Fields model/entities.ts, model/capabilities.ts, model/health.ts, ui/tabs/locks-tab.tsx and api/client.ts read. */
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

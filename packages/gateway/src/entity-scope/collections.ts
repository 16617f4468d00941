// Which resource collections each entity type supports (docs/api.md).
import type { EntityType } from '../entities/model.js';

export type Collection =
  | 'data'
  | 'operations'
  | 'configurations'
  | 'faults'
  | 'logs'
  | 'bulk-data'
  | 'cyclic-subscriptions'
  | 'triggers'
  | 'locks'
  | 'scripts'
  | 'status'
  | 'rosout'
  | 'modes'
  | 'data-lists'
  | 'clear-data'
  | 'communication-logs'
  | 'fault-triggers';

const ALL: Collection[] = ['data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'triggers', 'rosout', 'data-lists', 'clear-data', 'communication-logs'];

export const COLLECTIONS: Record<EntityType, ReadonlySet<Collection>> = {
  area: new Set(ALL),
  component: new Set<Collection>([...ALL, 'cyclic-subscriptions', 'locks', 'scripts', 'status', 'modes']),
  app: new Set<Collection>([...ALL, 'cyclic-subscriptions', 'locks', 'scripts', 'status', 'modes', 'fault-triggers']),
  function: new Set<Collection>([...ALL, 'cyclic-subscriptions']),
};

/** URL segment ↔ entity type. */
export const SEGMENT_TO_TYPE = { areas: 'area', components: 'component', apps: 'app', functions: 'function' } as const satisfies Record<string, EntityType>;
export type EntitySegment = keyof typeof SEGMENT_TO_TYPE;
export const TYPE_TO_SEGMENT: Record<EntityType, EntitySegment> = { area: 'areas', component: 'components', app: 'apps', function: 'functions' };
export const ENTITY_SEGMENTS = Object.keys(SEGMENT_TO_TYPE) as EntitySegment[];

/** `area` → `Area`, for messages, operationIds and summaries. */
export const TYPE_TITLE: Record<EntityType, string> = { area: 'Area', component: 'Component', app: 'App', function: 'Function' };
/** `areas` → `Area`. */
export const SEGMENT_TITLE: Record<EntitySegment, string> = {
  areas: TYPE_TITLE.area,
  components: TYPE_TITLE.component,
  apps: TYPE_TITLE.app,
  functions: TYPE_TITLE.function,
};

/** Path parameter name used for the id of each segment (`app_id`, ...). */
export const ID_PARAM: Record<EntitySegment, string> = { areas: 'area_id', components: 'component_id', apps: 'app_id', functions: 'function_id' };

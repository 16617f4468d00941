// The answers of the SOVD service interface (docs/service-interface.md): ListEntities, ListFaultsForEntity,
// GetCapabilities and GetEntityData of ros2_medkit_msgs, in the JSON form of @medkit/ros2, computed by the same
// domain code the REST routes use (entity cache, entity detail capabilities, fault scope, data reads, plugin
// providers). Everything a request carries comes from the network: it is bounded before use, and every failure
// is an answer with success=false, never a throw.
import { isValidEntityId } from '@medkit/sovd';
import type { EntityCache } from '../entities/cache.js';
import { effectiveFqn, ENTITY_TYPES, type App, type Area, type Component, type Entity, type EntityType } from '../entities/model.js';
import type { DataService } from '../data/service.js';
import { faultMsg, rosTime } from '@medkit/faults';
import { queryFaults } from '@medkit/faults';
import type { FaultsService } from '../faults/gateway/service.js';
import type { ServedEntity } from '../entities/provider-chain.js';
import type { ServedData } from '../data/providers.js';
import type { ServedFaults } from '../faults/gateway/providers.js';
import { mapLimited } from '@medkit/plugin-api';

/** What the answers are computed from; absent services answer "not available". */
export interface ServiceInterfaceSources {
  entities(): EntityCache | undefined;
  /** An entity's capability names as its REST detail lists them. */
  capabilitiesOf(type: EntityType, entity: Entity): string[];
  /** The capability flags of `GET /api/v1/` that are true. */
  serverCapabilities(): string[];
  faults?: FaultsService;
  /** The faults of an entity another provider serves (a plugin's, docs/plugins.md); undefined: the fault manager's. */
  ownedFaults?: (e: ServedEntity) => ServedFaults | undefined;
  data?: DataService;
  /** The data of an entity another provider serves; undefined: the data service's. */
  ownedData?: (e: ServedEntity) => ServedData | undefined;
}

/** Bounds on what one request may ask for (docs/service-interface.md, "Limits"). */
export const LIMITS = {
  /** data_keys of one GetEntityData request. */
  maxDataKeys: 64,
  /** Characters of one data key (a topic name is at most 247). */
  maxDataKeyLength: 256,
  /** Data items one GetEntityData request reads (all of an entity's items when data_keys is empty). */
  maxDataItems: 64,
  /** Reads of one GetEntityData request at a time. */
  parallelReads: 4,
  /** Characters of data_json; items past it are left out and named in error_message. */
  maxDataJsonChars: 1024 * 1024,
  /** Characters of a request string quoted back in an error message. */
  quotedChars: 64,
  /** Characters of error_message (a GetEntityData answer lists every item it could not read). */
  maxErrorChars: 8192,
} as const;

/** The entity collections of the REST tree (GetCapabilities' server-level resource_types). */
const RESOURCE_TYPES = ['areas', 'components', 'apps', 'functions'];

type Request = Record<string, unknown>;
type Answer = { success: boolean; error_message: string } & Record<string, unknown>;

const fail = (message: string, rest: Record<string, unknown> = {}): Answer => ({
  success: false,
  error_message: message.length > LIMITS.maxErrorChars ? `${message.slice(0, LIMITS.maxErrorChars - 1)}…` : message,
  ...rest,
});

/** A request string quoted in an error message: cut, and JSON-escaped so control characters stay visible. */
export function quote(v: string): string {
  return JSON.stringify(v.length > LIMITS.quotedChars ? `${v.slice(0, LIMITS.quotedChars)}…` : v);
}

/** The string field `name` of a request ('' when absent: the deserializer always fills it). */
function text(req: Request, name: string): string {
  const v = req[name];
  return typeof v === 'string' ? v : '';
}

/** An entity id named by a request: the problem with it, or undefined when it may be looked up. */
function idProblem(field: string, id: string): string | undefined {
  return isValidEntityId(id) ? undefined : `invalid ${field} ${quote(id)}: 1 to 256 characters of A-Z a-z 0-9 _ -`;
}

/** The entity with this id (the first type that has it, like the plugin context). */
function findEntity(cache: EntityCache | undefined, id: string): { type: EntityType; entity: Entity } | undefined {
  if (!cache) return undefined;
  for (const type of ENTITY_TYPES) {
    const entity = cache.get(type, id);
    if (entity) return { type, entity };
  }
  return undefined;
}

/** Looks up the entity a request names: the entity, or the failed answer to give. */
function requestedEntity(src: ServiceInterfaceSources, id: string): { type: EntityType; entity: Entity } | Answer {
  const problem = idProblem('entity_id', id);
  if (problem) return fail(problem);
  return findEntity(src.entities(), id) ?? fail(`Entity not found: ${quote(id)}`);
}

const isAnswer = (v: object): v is Answer => 'success' in v;

/** Parent and ROS name of an entity as EntityInfo carries them. */
function placeOf(type: EntityType, e: Entity): { parent_id: string; fqn: string } {
  switch (type) {
    case 'area': {
      const a = e as Area;
      return { parent_id: a.parent_area_id ?? '', fqn: a.namespace ?? '' };
    }
    case 'component': {
      // A subcomponent's parent is its component, as in the REST tree (subcomponents); others sit in their area.
      const c = e as Component;
      return { parent_id: c.parent_component_id ?? c.area ?? '', fqn: c.fqn ?? c.namespace ?? '' };
    }
    case 'app': {
      const a = e as App;
      return { parent_id: a.component_id ?? '', fqn: effectiveFqn(a) };
    }
    case 'function':
      // Functions group apps across the tree: no parent, no ROS name.
      return { parent_id: '', fqn: '' };
  }
}

/** EntityInfo.msg. */
function entityInfo(src: ServiceInterfaceSources, type: EntityType, e: Entity): Record<string, unknown> {
  return { id: e.id, name: e.name || e.id, entity_type: type, ...placeOf(type, e), capabilities: src.capabilitiesOf(type, e) };
}

/** ListEntities: every entity of the tree, narrowed by type and parent ('' = no filter, as the reference does). */
export function listEntities(src: ServiceInterfaceSources, req: Request): Answer {
  const wanted = text(req, 'entity_type');
  const parent = text(req, 'parent_id');
  if (wanted !== '' && !(ENTITY_TYPES as readonly string[]).includes(wanted)) {
    return fail(`unknown entity_type ${quote(wanted)}: app, component, area, function, or "" for all`);
  }
  if (parent !== '') {
    const problem = idProblem('parent_id', parent);
    if (problem) return fail(problem);
  }
  const cache = src.entities();
  if (!cache) return fail('the entity tree is not available');
  const entities: Record<string, unknown>[] = [];
  for (const type of ENTITY_TYPES) {
    if (wanted !== '' && wanted !== type) continue;
    for (const e of cache.list(type)) {
      if (parent !== '' && placeOf(type, e).parent_id !== parent) continue;
      entities.push(entityInfo(src, type, e));
    }
  }
  return { success: true, error_message: '', entities };
}

/** GetCapabilities: the server's capability flags for entity_id '', else the entity's detail capabilities. */
export function getCapabilities(src: ServiceInterfaceSources, req: Request): Answer {
  const id = text(req, 'entity_id');
  if (id === '') return { success: true, error_message: '', capabilities: src.serverCapabilities(), resource_types: RESOURCE_TYPES };
  const hit = requestedEntity(src, id);
  if (isAnswer(hit)) return hit;
  return { success: true, error_message: '', capabilities: src.capabilitiesOf(hit.type, hit.entity), resource_types: [] };
}

/** A plugin's fault list item (the REST item shape it answers) as Fault.msg. */
export function faultMsgFromItem(item: Record<string, unknown>): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const xm = (item['x-medkit'] ?? {}) as Record<string, unknown>;
  const severity = typeof item.severity === 'number' && Number.isInteger(item.severity) ? Math.min(255, Math.max(0, item.severity)) : 0;
  const count = typeof item.occurrence_count === 'number' && Number.isFinite(item.occurrence_count) ? item.occurrence_count : 0;
  // REST times are seconds since the epoch.
  const time = (v: unknown) => rosTime(typeof v === 'number' && Number.isFinite(v) && v > 0 ? BigInt(Math.round(v * 1e9)) : 0n);
  return {
    fault_code: str(item.fault_code) || str(item.code),
    severity,
    description: str(item.description),
    first_occurred: time(item.first_occurred),
    last_occurred: time(item.last_occurred),
    last_passed: time(item.last_passed),
    occurrence_count: Math.min(Math.max(0, Math.trunc(count)), 0xffff_ffff),
    status: str(xm.status) || str(item.status),
    reporting_sources: Array.isArray(item.reporting_sources) ? item.reporting_sources.filter((s): s is string => typeof s === 'string') : [],
  };
}

/**
 * ListFaultsForEntity: the faults `GET /{entity}/faults` lists (pending and confirmed, in the entity's scope,
 * muted symptoms hidden, newest first), or the owning plugin's list for a plugin-owned entity.
 */
export async function listEntityFaults(src: ServiceInterfaceSources, req: Request): Promise<Answer> {
  const hit = requestedEntity(src, text(req, 'entity_id'));
  if (isAnswer(hit)) return hit;
  const owned = src.ownedFaults?.(hit);
  if (owned) {
    const body = (await owned.list()).body as { items?: unknown } | undefined;
    const items = Array.isArray(body?.items) ? body.items : [];
    return { success: true, error_message: '', faults: items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null).map(faultMsgFromItem) };
  }
  if (!src.faults) return fail('the fault manager is not available');
  const { faults } = queryFaults(src.faults.manager, { belongsToEntity: src.faults.scopeOf(hit.type, hit.entity).belongs });
  return { success: true, error_message: '', faults: faults.map(faultMsg) };
}

/** Why a data key cannot name an item, or undefined. */
function keyProblem(key: string): string | undefined {
  if (key === '' || key === '/') return 'an empty data key';
  if (key.length > LIMITS.maxDataKeyLength) return `data key ${quote(key)} is longer than ${LIMITS.maxDataKeyLength} characters`;
  return undefined;
}

/** The message of a failed read, as the REST error would say it. */
function readError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * GetEntityData: for each data key (all of the entity's items when data_keys is empty) the value
 * `GET /{entity}/data/{key}` answers, as data_json `{"<key>": <message>, ...}`. Items that could not be read (or
 * did not fit in data_json) are named in error_message and make success false; data_json still holds the others.
 */
export async function getEntityData(src: ServiceInterfaceSources, req: Request, signal?: AbortSignal): Promise<Answer> {
  const none = { data_json: '{}' };
  const hit = requestedEntity(src, text(req, 'entity_id'));
  if (isAnswer(hit)) return { ...hit, ...none };
  const raw = Array.isArray(req.data_keys) ? req.data_keys : [];
  if (raw.length > LIMITS.maxDataKeys) return fail(`${raw.length} data_keys, at most ${LIMITS.maxDataKeys} per request`, none);
  const keys = [...new Set(raw.map((k) => (typeof k === 'string' ? k : '')))];
  for (const k of keys) {
    const problem = keyProblem(k);
    if (problem) return fail(problem, none);
  }
  const owned = src.ownedData?.(hit);
  if (!owned && !src.data) return fail('data access is not available', none);
  let ids = keys;
  if (ids.length === 0) {
    if (owned) {
      const body = (await owned.list()).body as { items?: unknown } | undefined;
      ids = (Array.isArray(body?.items) ? body.items : []).map((i) => (i as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
    } else {
      ids = src.data!.listIds(hit).map((i) => i.id);
    }
    if (ids.length > LIMITS.maxDataItems) {
      return fail(`${hit.entity.id} has ${ids.length} data items, more than the ${LIMITS.maxDataItems} one request reads: name them in data_keys`, none);
    }
  }
  const reads = await mapLimited(ids, LIMITS.parallelReads, async (id): Promise<{ id: string; value?: unknown; error?: string }> => {
    try {
      if (owned) {
        const body = (await owned.read(id)).body as { data?: unknown } | undefined;
        return { id, value: body && typeof body === 'object' && 'data' in body ? body.data : body };
      }
      return { id, value: (await src.data!.read(hit, id, signal)).data };
    } catch (err) {
      return { id, error: readError(err) };
    }
  });
  // Assembled by hand so each value is measured once and the total stays within the bound.
  const parts: string[] = [];
  const errors: string[] = [];
  let size = 2;
  for (const r of reads) {
    if (r.error !== undefined) {
      errors.push(`${quote(r.id)}: ${r.error}`);
      continue;
    }
    const part = `${JSON.stringify(r.id)}:${JSON.stringify(r.value ?? {})}`;
    if (size + part.length + 1 > LIMITS.maxDataJsonChars) {
      errors.push(`${quote(r.id)}: left out, data_json would exceed ${LIMITS.maxDataJsonChars} characters`);
      continue;
    }
    parts.push(part);
    size += part.length + 1;
  }
  const data_json = `{${parts.join(',')}}`;
  if (errors.length > 0) return fail(`${errors.length} of ${reads.length} data items not read: ${errors.join('; ')}`, { data_json });
  return { success: true, error_message: '', data_json };
}

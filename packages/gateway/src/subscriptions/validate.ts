// Validation of cyclic-subscription bodies (docs/subscriptions.md) with the spec's error codes.
import { SovdError } from '@medkit/sovd';
import type { EntitySegment } from '../entity-scope/index.js';
import type { EntityType } from '../entities/model.js';
import { parseResourceUri, type CollectionSamplerRegistry } from '../sampling/index.js';
import { INTERVALS, type IntervalName } from './model.js';

/** Collections a subscription may stream besides `x-*` (updates arrive as the `update-status` sampler). */
const KNOWN = ['data', 'faults', 'configurations', 'logs'] as const;

export function parseInterval(v: unknown): IntervalName {
  if (typeof v !== 'string' || !(v in INTERVALS)) {
    throw new SovdError('invalid-parameter', 'interval must be fast, normal or slow', { parameter: 'interval', value: v, allowed_values: Object.keys(INTERVALS) });
  }
  return v as IntervalName;
}

export function parseDuration(v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > max) {
    throw new SovdError('invalid-parameter', `duration must be an integer in 1..${max} seconds`, { parameter: 'duration', value: v, max_value: max });
  }
  return v;
}

export interface SubscriptionTarget {
  resourceUri: string;
  collection: string;
  itemPath?: string;
}

/** Checks `resource` against the route entity and the registered samplers. */
export function parseTarget(resource: unknown, route: { segment: EntitySegment; id: string; type: EntityType }, samplers: CollectionSamplerRegistry): SubscriptionTarget {
  const res = parseResourceUri(resource, route, { allowUpdateStatus: true });
  const uri = resource as string;
  const invalid = (details: string) => new SovdError('x-medkit-invalid-resource-uri', `Invalid resource URI: ${details}`, { resource: uri, details });
  let collection: string;
  let itemPath: string | undefined;
  if (res.kind === 'update-status') {
    collection = 'update-status';
    itemPath = res.updateId;
  } else {
    if (!(KNOWN as readonly string[]).includes(res.collection) && !res.collection.startsWith('x-')) throw invalid(`unknown collection '${res.collection}'`);
    collection = res.collection;
    itemPath = res.itemPath;
  }
  const reg = samplers.get(collection);
  if (res.kind === 'entity') {
    const rule = reg?.itemPath ?? (collection === 'data' ? 'required' : 'forbidden');
    if (rule === 'required' && !itemPath) throw invalid(`a ${collection} subscription must name an item, e.g. /data/{topic}`);
    if (rule === 'forbidden' && itemPath) throw invalid(`${collection} streams the whole collection; no item path allowed`);
  }
  if (!reg) throw new SovdError('x-medkit-collection-not-available', `No sampler is available for '${collection}'`, { collection, resource: uri });
  if (reg.entityTypes && !reg.entityTypes.includes(route.type)) {
    throw new SovdError('x-medkit-collection-not-supported', `${route.type}s do not provide '${collection}'`, { collection, entity_id: route.id });
  }
  return { resourceUri: uri, collection, ...(itemPath ? { itemPath } : {}) };
}

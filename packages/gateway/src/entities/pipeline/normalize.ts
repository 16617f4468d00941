/**
 * Makes a layer's output safe to merge: fills missing fields with defaults, drops invalid ids and
 * duplicate ids within the layer, stamps `source = "plugin"` on plugin entities that set none.
 */
import { isValidEntityId } from '../ids.js';
import { ENTITY_TYPES, SNAPSHOT_KEY, emptySnapshot, newApp, newArea, newComponent, newFunction, type EntitySnapshot } from '../model.js';
import type { LayerOutput } from './layer.js';
import type { LayerKind } from './policies.js';
import type { EntityLogger } from './report.js';

const MAKE = { area: newArea, component: newComponent, app: newApp, function: newFunction } as const;

const DEFAULT_SOURCE: Record<LayerKind, string> = { manifest: 'manifest', runtime: 'runtime', plugin: 'plugin' };

export function normalizeLayerOutput(out: LayerOutput | undefined, layer: string, kind: LayerKind, log: EntityLogger): EntitySnapshot {
  const snap = emptySnapshot();
  for (const type of ENTITY_TYPES) {
    const key = SNAPSHOT_KEY[type];
    const seen = new Set<string>();
    const list = (out?.[key] ?? []) as unknown as Array<Record<string, unknown>>;
    for (const raw of Array.isArray(list) ? list : []) {
      const id = raw?.id;
      if (!isValidEntityId(id)) {
        log.warn(`layer '${layer}': ${type} with invalid id ${JSON.stringify(id)} dropped`);
        continue;
      }
      if (seen.has(id)) {
        log.warn(`layer '${layer}': duplicate ${type} id '${id}' dropped`);
        continue;
      }
      seen.add(id);
      const source = typeof raw.source === 'string' && raw.source ? raw.source : DEFAULT_SOURCE[kind];
      const made = (MAKE[type] as (id: string, source: string, init: object) => unknown)(id, source, structuredClone(raw));
      (snap[key] as unknown[]).push(made);
    }
  }
  return snap;
}


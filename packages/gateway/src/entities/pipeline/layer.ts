/**
 * The discovery layer contract: manifest, runtime and plugin sources all produce entities this way.
 */
import type { App, Area, Component, EntitySnapshot, SovdFunction } from '../model.js';
import type { LayerKind } from './policies.js';

/** What a layer returns; omitted lists are empty. */
export interface LayerOutput {
  areas?: Area[];
  components?: Component[];
  apps?: App[];
  functions?: SovdFunction[];
}

/**
 * A source of entities. `discover` receives the entities collected from the layers before it (plugins see
 * manifest + runtime entities; [OURS] outside hybrid mode they get the current mode's entities). A layer
 * that throws is skipped for that pass.
 *
 * Layer order is fixed by kind: manifest, runtime, then plugin layers in the order given.
 */
export interface DiscoveryLayer {
  /** `manifest`, `runtime`, or the plugin's name. */
  readonly name: string;
  readonly kind: LayerKind;
  discover(input: EntitySnapshot): Promise<LayerOutput> | LayerOutput;
}

const KIND_ORDER: Record<LayerKind, number> = { manifest: 0, runtime: 1, plugin: 2 };

/** Layers in contract order (stable within a kind). */
export function orderLayers(layers: readonly DiscoveryLayer[]): DiscoveryLayer[] {
  return [...layers].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

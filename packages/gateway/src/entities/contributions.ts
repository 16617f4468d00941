// What another feature adds to the entity tree (the plugins feature: its plugins' IntrospectionProviders and
// their contributions to entity details, docs/plugins.md, docs/beacons.md), published under ENTITY_CONTRIBUTIONS
// so that the entities feature reads it without knowing who contributes.
import { token, type Token } from '@medkit/server';
import type { Entity, EntityType } from './model.js';
import type { DiscoveryLayer } from './pipeline/layer.js';

/** What contributors change in one entity's detail. */
export interface EntityDetailContribution {
  /** Capabilities to add. */
  add: string[];
  /** Built-in capabilities to remove (e.g. data of an entity no provider serves). */
  remove: string[];
  /** Served as `x-medkit.plugins`, by contributor name. */
  metadata?: Record<string, unknown>;
}

export interface EntityContributions {
  /** Discovery layers after the manifest and the ROS graph (docs/manifest.md), read once at start-up. */
  discoveryLayers(): DiscoveryLayer[];
  /** How entity details change; undefined when nothing changes them. */
  details?: {
    detailOf(type: EntityType, e: Entity): EntityDetailContribution;
    /** Moves whenever what detailOf answers may have changed; a cached detail is dropped when it does. */
    revision(): number;
  };
}

export const ENTITY_CONTRIBUTIONS: Token<EntityContributions> = token('entity-contributions');

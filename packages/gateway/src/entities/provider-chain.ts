// A chain of providers of one resource (data, operations, faults, scripts) for the entities they serve: the
// first provider that answers for an entity serves it, and the resource's built-in service serves the rest.
// Providers come from other features through a token the resource's folder declares (the plugins feature
// contributes its plugins' providers, docs/plugins.md), so a resource never knows who serves an entity.
import type { ServiceRegistry, Token } from '@medkit/server';
import type { Entity, EntityType } from './model.js';

/** An entity as a provider sees it. */
export interface ServedEntity {
  type: EntityType;
  entity: Entity;
}

/** One provider of a resource `R`. */
export interface EntityProvider<R> {
  /** The resource of an entity this provider serves, else undefined (the next provider, then the built-in service, answers). */
  resourceFor(e: ServedEntity): R | undefined;
}

/** The resource a provider serves. */
export type ResourceOf<P> = P extends EntityProvider<infer R> ? R : never;

/** The providers `P` of one resource, in order; earlier providers win for an entity several serve. */
export class ProviderChain<P extends EntityProvider<unknown>> {
  private readonly providers: P[];

  constructor(providers: readonly P[] = []) {
    this.providers = [...providers];
  }

  /** Adds a provider, last unless `first`. */
  add(p: P, opts: { first?: boolean } = {}): void {
    if (opts.first) this.providers.unshift(p);
    else this.providers.push(p);
  }

  /** The first provider's resource for the entity; undefined when none serves it. */
  resourceFor(e: ServedEntity): ResourceOf<P> | undefined {
    for (const p of this.providers) {
      const r = p.resourceFor(e) as ResourceOf<P> | undefined;
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** The providers, in order. */
  get all(): readonly P[] {
    return this.providers;
  }
}

/**
 * Providers a feature contributes to another's resource, read when the resource's feature asks (at its init,
 * or later for what it looks at later): the contributor answers with the providers it has at that moment.
 */
export type Contributed<P> = () => readonly P[];

/** The providers other features contributed under `t` (none when no feature provides it), as a chain. */
export function contributedChain<P extends EntityProvider<unknown>>(services: ServiceRegistry, t: Token<Contributed<P>>): ProviderChain<P> {
  return new ProviderChain<P>(services.find(t)?.() ?? []);
}

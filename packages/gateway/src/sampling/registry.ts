// The collection-sampler registry (docs/plugins.md): features register one sampler per collection
// ('data', 'faults', 'configurations', 'logs', 'update-status', 'x-...'); cyclic subscriptions pull
// samples from it and triggers watch it for changes. Producers that learn of changes on their own
// (fault events, new log lines) push them with notify(); samplers whose values only flow on demand
// (ROS topics) implement subscribe().
import type { Entity, EntityType } from '../entities/model.js';

/** The entity a sample or change is about. */
export interface SampledEntity {
  type: EntityType;
  id: string;
  entity: Entity;
}

/** How a collection treats an item path below it (`/data/<topic>`, `/faults/<code>`). */
type ItemPathRule = 'required' | 'optional' | 'forbidden';

interface CollectionSampler {
  /** The current value of the collection (or of one item), e.g. `{id, data}` for a topic. Throw a SovdError or Error on failure. */
  sample(entity: SampledEntity, itemPath: string | undefined, signal: AbortSignal): Promise<unknown>;
  /**
   * Streams changes of the resource; returns the unsubscribe function. Optional: producers that learn of
   * changes themselves call `registry.notify()` instead. The value passed is the full change payload;
   * `onError` reports a sampling failure (sent to trigger clients as an error envelope).
   */
  subscribe?(entity: SampledEntity, itemPath: string | undefined, onValue: (value: unknown) => void, onError?: (err: Error) => void): () => void;
  /**
   * Why `itemPath` can never name a resource of this collection on an entity of `type` (so an observer
   * of it could never get a value), or undefined when it can. Optional.
   */
  impossible?(type: EntityType, itemPath: string | undefined): string | undefined;
}

/**
 * Thrown by {@link CollectionSampler.subscribe} when the resource does not exist yet (a topic nobody has
 * advertised, a type still being looked up): the caller keeps the observer waiting and subscribes again
 * when discovery changes, or as soon as `ready` settles.
 */
export class ResourcePendingError extends Error {
  readonly code: string = 'resource-pending';
  constructor(
    message: string,
    /** Resolves truthy when trying again makes sense before the next discovery change (a type lookup that succeeded). */
    readonly ready?: Promise<unknown>,
  ) {
    super(message);
    this.name = 'ResourcePendingError';
  }
}

interface SamplerOptions {
  /** Item path rule for cyclic subscriptions; default: 'required' for `data`, 'forbidden' otherwise. */
  itemPath?: ItemPathRule;
  /** Entity types this collection exists on (default: all). */
  entityTypes?: readonly EntityType[];
  /** The producer reports changes of this collection with `notify()` (so triggers on it can fire without `subscribe`). */
  notifies?: boolean;
}

interface RegisteredSampler {
  collection: string;
  sampler: CollectionSampler;
  itemPath: ItemPathRule;
  entityTypes?: readonly EntityType[];
  notifies: boolean;
}

/** A change of a resource of one entity, pushed by its producer. */
export interface ResourceChange {
  collection: string;
  entity: SampledEntity;
  /** Item path below the collection (`/temperature`, `/FAULT_CODE`), undefined for the collection itself. */
  itemPath?: string;
  value: unknown;
}

type ChangeListener = (change: ResourceChange) => void;
type RegisterListener = (collection: string) => void;

export class CollectionSamplerRegistry {
  private readonly samplers = new Map<string, RegisteredSampler>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly registerListeners = new Set<RegisterListener>();

  /** Registers (or replaces) the sampler of a collection; returns a function that removes it. */
  register(collection: string, sampler: CollectionSampler, opts: SamplerOptions = {}): () => void {
    const entry: RegisteredSampler = {
      collection,
      sampler,
      itemPath: opts.itemPath ?? (collection === 'data' ? 'required' : 'forbidden'),
      entityTypes: opts.entityTypes,
      notifies: opts.notifies === true,
    };
    this.samplers.set(collection, entry);
    for (const l of this.registerListeners) l(collection);
    return () => {
      if (this.samplers.get(collection) === entry) this.samplers.delete(collection);
    };
  }

  get(collection: string): RegisteredSampler | undefined {
    return this.samplers.get(collection);
  }

  /** True when changes of `collection` reach observers: its sampler streams them (`subscribe`) or its producer notifies. */
  observable(collection: string): boolean {
    const reg = this.samplers.get(collection);
    return reg !== undefined && (reg.notifies || reg.sampler.subscribe !== undefined);
  }

  collections(): string[] {
    return [...this.samplers.keys()];
  }

  /** Producers report a change of `collection` on `entity`; listeners (trigger engine, subscriptions) run synchronously. */
  notify(collection: string, entity: SampledEntity, itemPath: string | undefined, value: unknown): void {
    const change: ResourceChange = { collection, entity, itemPath, value };
    for (const l of this.changeListeners) {
      try {
        l(change);
      } catch {
        // A consumer bug must not break the producer that reported the change.
      }
    }
  }

  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called whenever a sampler is registered (late binding of triggers on collections that appear later). */
  onRegister(listener: RegisterListener): () => void {
    this.registerListeners.add(listener);
    return () => this.registerListeners.delete(listener);
  }
}

/** What {@link getSamplers} needs of the gateway context: only the registry (sampling stays below the feature contract). */
interface HasSamplers {
  samplers: CollectionSamplerRegistry;
}

/** The gateway's registry (created with the context, so feature order does not matter). */
export function getSamplers(ctx: HasSamplers): CollectionSamplerRegistry {
  return ctx.samplers;
}

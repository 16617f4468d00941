// Who serves the data of an entity besides its ROS topics (docs/plugins.md): providers other features
// contribute under DATA_PROVIDERS (the plugins feature: each plugin's DataProvider for the entities it owns).
// The first that serves an entity answers for all of its data; the built-in service serves the rest.
import { token, type Token, type Verbatim } from '@medkit/server';
import type { Contributed, EntityProvider } from '../entities/provider-chain.js';

/** The data of one entity a provider serves; bodies go to the client verbatim. */
export interface ServedData {
  list(): Promise<Verbatim>;
  read(name: string): Promise<Verbatim>;
  write(name: string, value: unknown): Promise<Verbatim>;
  /**
   * Streams one item's changes until the returned function is called; undefined when the provider cannot.
   * An item that is not there yet throws ResourcePendingError (sampling/registry.ts), like a topic nobody publishes.
   */
  subscribe?: (name: string, onValue: (value: unknown) => void, onError?: (err: Error) => void) => () => void;
}

/** A provider of entities' data. */
export interface DataProvider extends EntityProvider<ServedData> {
  /** True when it streams item changes, so `data` triggers and subscriptions can follow its entities. */
  streams(): boolean;
}

/** Data providers contributed by other features, consulted before the built-in service in their order. */
export const DATA_PROVIDERS: Token<Contributed<DataProvider>> = token('data-providers');

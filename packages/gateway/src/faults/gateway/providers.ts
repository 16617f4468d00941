// Who serves the faults of an entity instead of the fault manager (docs/plugins.md): providers other
// features contribute under FAULT_PROVIDERS (the plugins feature: each plugin's FaultProvider for the
// entities it owns). The first that serves an entity answers; the fault manager serves the rest.
import { token, type Token, type Verbatim } from '@medkit/server';
import type { Contributed, EntityProvider } from '../../entities/provider-chain.js';

/** The faults of one entity a provider serves; bodies go to the client verbatim. */
export interface ServedFaults {
  list(): Promise<Verbatim>;
  get(code: string): Promise<Verbatim>;
  clear(code: string): Promise<unknown>;
  /** Clears every fault the list names. */
  clearAll(): Promise<void>;
}

/** A provider of entities' faults. */
export type FaultProvider = EntityProvider<ServedFaults>;

/** Fault providers contributed by other features, consulted before the fault manager in their order. */
export const FAULT_PROVIDERS: Token<Contributed<FaultProvider>> = token('fault-providers');

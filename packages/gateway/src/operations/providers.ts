// Who serves the operations of an entity besides its ROS services and actions (docs/plugins.md): providers
// other features contribute under OPERATION_PROVIDERS (the plugins feature: each plugin's OperationProvider
// for the entities it owns). The first that serves an entity answers; the built-in service serves the rest.
import { token, type Token, type Verbatim } from '@medkit/server';
import type { Contributed, EntityProvider } from '../entities/provider-chain.js';

/** The operations of one entity a provider serves (synchronous executions only); bodies go to the client verbatim. */
export interface ServedOperations {
  list(): Promise<Verbatim>;
  get(name: string): Promise<Verbatim>;
  execute(name: string, parameters: unknown): Promise<Verbatim>;
}

/** A provider of entities' operations. */
export type OperationProvider = EntityProvider<ServedOperations>;

/** Operation providers contributed by other features, consulted before the built-in service in their order. */
export const OPERATION_PROVIDERS: Token<Contributed<OperationProvider>> = token('operation-providers');

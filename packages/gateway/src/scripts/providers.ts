// Who runs the scripts of an entity instead of the built-in backend (docs/scripts.md, docs/plugins.md):
// backends other features contribute under SCRIPT_PROVIDERS (the plugins feature: the owner's
// ScriptProvider, else the first plugin's). The first that serves an entity answers; the built-in service
// serves the rest (the scripts feature must still be enabled).
import { token, type Token, type Verbatim } from '@medkit/server';
import type { JsonValue } from '@medkit/plugin-api';
import type { Contributed, EntityProvider } from '../entities/provider-chain.js';

/** The scripts of one entity a backend serves; bodies go to the client verbatim. */
export interface ServedScripts {
  list(): Promise<Verbatim>;
  get(scriptId: string): Promise<Verbatim>;
  /** Starts an execution; answers its view (with `id` when the backend gives one). */
  start(scriptId: string, request: { execution_type: string; parameters?: JsonValue }): Promise<JsonValue>;
  execution(scriptId: string, executionId: string): Promise<Verbatim>;
  control(scriptId: string, executionId: string, action: 'stop' | 'forced_termination'): Promise<Verbatim>;
  removeExecution(scriptId: string, executionId: string): Promise<unknown>;
  remove(scriptId: string): Promise<unknown>;
}

/** A backend of entities' scripts. */
export type ScriptProvider = EntityProvider<ServedScripts>;

/** Script backends contributed by other features, consulted before the built-in service in their order. */
export const SCRIPT_PROVIDERS: Token<Contributed<ScriptProvider>> = token('script-providers');

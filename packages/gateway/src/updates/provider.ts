// The seam for update backends (docs/updates.md). The manager owns registration, status,
// persistence and the one-operation-at-a-time rule; a provider only validates packages and does the
// work of prepare and execute, reporting progress as it goes.

import { token, type Token } from '@medkit/server';
import type { Contributed } from '../entities/provider-chain.js';

/** Progress sink handed to a provider for one operation; safe to call from any callback. */
export interface UpdateReporter {
  /** Overall progress of this operation, 0–100, with an optional message. */
  progress(percent: number, message?: string | null): void;
  /** Progress of a named part (e.g. `download`, `verify`). */
  subProgress(name: string, percent: number): void;
}

export interface UpdateProvider {
  readonly name: string;
  /** Checks a registration; throw a SovdError (400 invalid-request / invalid-parameter) to refuse it. */
  validate(metadata: Record<string, unknown>): void | Promise<void>;
  /** Whether `PUT …/automated` (prepare + execute in one step) is allowed for this package. */
  supportsAutomated(metadata: Record<string, unknown>): boolean;
  /** Download / verify / check dependencies. Rejects (with a message) on failure; honours `signal`. */
  prepare(id: string, metadata: Record<string, unknown>, reporter: UpdateReporter, signal: AbortSignal): Promise<void>;
  /** Install a prepared package. */
  execute(id: string, metadata: Record<string, unknown>, reporter: UpdateReporter, signal: AbortSignal): Promise<void>;
  /** Clean-up when a package is deleted. */
  remove?(id: string, metadata: Record<string, unknown>): void | Promise<void>;
}

/**
 * Update backends other features contribute (the plugins feature: the first plugin UpdateProvider in
 * configuration order, docs/plugins.md); the first replaces the built-in script backend.
 */
export const UPDATE_PROVIDERS: Token<Contributed<UpdateProvider>> = token('update-providers');

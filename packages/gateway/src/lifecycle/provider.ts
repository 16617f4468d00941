// The lifecycle provider seam (docs/plugins.md): whatever can start, restart and shut down an entity
// (ROS 2 managed nodes built in; plugins for systemd units, containers, PLCs...). With a provider the
// provider's status wins and only its transitions are advertised.
import type { Entity, EntityType } from '../entities/model.js';
import type { SovdTransition } from './plan.js';
import { token, type Token } from '@medkit/server';
import type { Contributed } from '../entities/provider-chain.js';

export type ReadyStatus = 'ready' | 'notReady';

export interface LifecycleStatus {
  status: ReadyStatus;
  /** Transitions the provider supports for this entity (advertised as URIs). */
  transitions: SovdTransition[];
  /** Provider detail, served as `x-medkit` (e.g. `{lifecycle_state: 'active'}`). */
  detail?: Record<string, unknown>;
}

export interface LifecycleEntity {
  type: EntityType;
  entity: Entity;
}

export interface LifecycleProvider {
  readonly name: string;
  /** True when this provider is responsible for the entity (the first responsible provider wins). */
  handles(e: LifecycleEntity): boolean;
  status(e: LifecycleEntity, signal?: AbortSignal): Promise<LifecycleStatus>;
  /**
   * Starts a transition. Resolve once it was accepted (it may still be running: clients poll the status);
   * throw {@link LifecycleProviderError} to refuse it.
   */
  transition(e: LifecycleEntity, name: SovdTransition, signal?: AbortSignal): Promise<void>;
}

export type ProviderErrorKind = 'access-denied' | 'precondition-failed' | 'unsupported' | 'other';

/** How a provider refuses a transition (mapped to 403 / 409 / 501 / its own status). */
export class LifecycleProviderError extends Error {
  readonly code: string = 'lifecycle-provider-refused';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** For `other`: the HTTP status to answer with (clamped to 400–599). */
    readonly status = 500,
    readonly parameters: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LifecycleProviderError';
  }
}

/**
 * Lifecycle providers other features contribute (the plugins feature: its plugins' LifecycleProviders for the
 * entities they own, docs/plugins.md); they come before the built-in one, so they win for an entity both handle.
 */
export const LIFECYCLE_PROVIDERS: Token<Contributed<LifecycleProvider>> = token('lifecycle-providers');

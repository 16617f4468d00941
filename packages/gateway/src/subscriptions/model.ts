// Cyclic subscription model (docs/subscriptions.md): intervals, the record, and its wire view.
import type { EntitySegment } from '../entity-scope/index.js';
import type { EntityType } from '../entities/model.js';
import type { SubscriptionView } from './rest-shape.js';

export type { SubscriptionView };

/** Interval names and their periods (docs/subscriptions.md). */
export const INTERVALS = { fast: 50, normal: 200, slow: 500 } as const;
export type IntervalName = keyof typeof INTERVALS;

export interface Subscription {
  id: string;
  entityType: EntityType;
  entityId: string;
  segment: EntitySegment;
  resourceUri: string;
  /** Sampler collection (`update-status` for `/updates/{id}/status`). */
  collection: string;
  itemPath?: string;
  interval: IntervalName;
  /** Seconds. */
  duration: number;
  expiresAt: number;
  /** Wakes every stream loop early (interval change, delete, expiry). */
  wakers: Set<() => void>;
  /** Wakes stream loops on a pushed change of the resource (rate-limited to the fastest interval). */
  changeWakers: Set<() => void>;
  /** Ends every stream of the subscription. */
  closers: Set<() => void>;
}

export function subscriptionView(s: Subscription, apiBase: string): SubscriptionView {
  return {
    id: s.id,
    observed_resource: s.resourceUri,
    event_source: `${apiBase}/${s.segment}/${s.entityId}/cyclic-subscriptions/${s.id}/events`,
    protocol: 'sse',
    interval: s.interval,
    'x-medkit': { duration: s.duration, expires_at: new Date(s.expiresAt).toISOString(), clients: s.closers.size },
  };
}

// The trigger record (docs/triggers.md) and its wire view (docs/triggers.md).
import type { EntitySegment } from '../entity-scope/index.js';
import type { EntityType } from '../entities/model.js';
import type { EventStream } from '@medkit/kit';
import type { LogSeverity as PluginLogSeverity } from '@medkit/plugin-api';
import type { ConditionEvaluator, Previous } from './conditions.js';
import type { TriggerView } from './rest-shape.js';

export type { TriggerView };

export type TriggerProtocol = 'sse' | 'webhook';
export const LOG_SEVERITIES = ['debug', 'info', 'warning', 'error', 'fatal'] as const satisfies readonly PluginLogSeverity[];
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

export interface LogSettings {
  severity: LogSeverity;
  marker: string;
}

/** What is stored for a trigger (persistent ones in SQLite). */
export interface TriggerDefinition {
  id: string;
  entityType: EntityType;
  entityId: string;
  resourceUri: string;
  collection: string;
  /** Item path below the collection (topic, `/FAULT_CODE`); undefined = whole collection. */
  resourcePath?: string;
  /** JSON Pointer into the change payload. */
  path?: string;
  conditionType: string;
  conditionParams: Record<string, unknown>;
  protocol: TriggerProtocol;
  webhookUrl?: string;
  /** Per-trigger HMAC secret (never returned). */
  webhookSecret?: string;
  multishot: boolean;
  persistent: boolean;
  /** Seconds. */
  lifetime?: number;
  logSettings?: LogSettings;
  createdAt: number;
  /** ms since the epoch; undefined = no expiry. */
  expiresAt?: number;
}

export interface EventEnvelope {
  timestamp: string;
  payload?: unknown;
  error?: { error_code: string; vendor_code?: string; message: string };
}

/** Webhook delivery status shown under `x-medkit.delivery`. */
export interface DeliveryStatus {
  url: string;
  delivered: number;
  failed: number;
  pending: number;
  attempts: number;
  last_status?: number;
  last_error?: string;
  last_attempt_at?: string;
  last_success_at?: string;
}

/** A live trigger: definition plus evaluation and delivery state. */
export interface Trigger extends TriggerDefinition {
  status: 'active' | 'terminated';
  segment: EntitySegment;
  evaluator: ConditionEvaluator;
  pointer?: string[];
  previous: Previous;
  /** Previous value changed since the last flush to SQLite. */
  dirty: boolean;
  eventCount: number;
  /** Events waiting for an SSE client (max 100, oldest dropped). */
  pending: { id: number; envelope: EventEnvelope }[];
  streams: Set<EventStream>;
  delivery?: DeliveryStatus;
  /** A restored trigger whose entity has not been seen since the restart is exempt from the orphan sweep. */
  entitySeen: boolean;
  /** Set while the observed resource is not there yet (why), cleared once the trigger is bound. */
  waitingFor?: string;
}

export function triggerView(t: Trigger, apiBase: string): TriggerView {
  const v: TriggerView = {
    id: t.id,
    status: t.status,
    observed_resource: t.resourceUri,
    event_source: `${apiBase}/${t.segment}/${t.entityId}/triggers/${t.id}/events`,
    protocol: t.protocol,
    trigger_condition: { condition_type: t.conditionType, ...t.conditionParams },
    multishot: t.multishot,
    persistent: t.persistent,
  };
  if (t.webhookUrl) v.webhook_url = t.webhookUrl;
  if (t.lifetime !== undefined) v.lifetime = t.lifetime;
  if (t.path !== undefined) v.path = t.path;
  if (t.logSettings) v.log_settings = t.logSettings;
  const x: Record<string, unknown> = { event_count: t.eventCount };
  if (t.status === 'active') x.bound = t.waitingFor === undefined;
  if (t.waitingFor !== undefined) x.waiting_for = t.waitingFor;
  // A row stored before lifetimes were bounded may hold an expiry no Date can represent: list it without one.
  const expires = t.expiresAt !== undefined ? new Date(t.expiresAt) : undefined;
  if (expires && Number.isFinite(expires.getTime())) x.expires_at = expires.toISOString();
  if (t.delivery) x.delivery = { ...t.delivery };
  v['x-medkit'] = x;
  return v;
}

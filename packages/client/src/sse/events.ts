// Typed events of the gateway's three SSE streams (docs/api.md, docs/faults.md, docs/triggers.md, docs/subscriptions.md), parsed from
// the raw messages. Malformed data throws, which the stream reports through onError and skips.
import type { components } from '../generated.js';
import { FAULT_MUTED_EVENT, type FaultEventData, type FaultEventType, type FaultMutedData, type SseMessage, type TopicStreamData, type WatchChange } from '@medkit/sovd';

export type FaultListItem = components['schemas']['FaultListItem'];
export { FAULT_MUTED_EVENT, type FaultEventType };

/** One `/faults/stream` event (docs/faults.md): the gateway's body (written once in the SOVD core) with its SSE id. */
export interface FaultStreamEvent extends FaultEventData<FaultListItem> {
  /** The SSE `id` (monotonic; what a resume sends back). */
  id?: string;
}

const FAULT_EVENTS: readonly string[] = ['fault_confirmed', 'fault_updated', 'fault_cleared'];

/** Parses a `/faults/stream` message; undefined for other event names (forward compatibility). */
export function parseFaultEvent(m: SseMessage): FaultStreamEvent | undefined {
  const body = JSON.parse(m.data) as Partial<FaultStreamEvent>;
  const type = body.event_type ?? m.event;
  if (!FAULT_EVENTS.includes(type)) return undefined;
  if (!body.fault || typeof body.fault !== 'object' || typeof body.fault.fault_code !== 'string') throw new Error('fault event without a fault');
  return { ...body, id: m.id, event_type: type as FaultEventType, fault: body.fault, timestamp: typeof body.timestamp === 'number' ? body.timestamp : NaN };
}

/**
 * A muted (correlated) symptom's change on `/faults/stream` (docs/faults.md "Muted symptoms on the stream"): the
 * fault is hidden from `GET /faults` unless `include_muted=true`, so only clients that list muted symptoms want it.
 */
export interface MutedFaultEvent extends FaultMutedData<FaultListItem> {
  /** The SSE `id` (same sequence as the fault events). */
  id?: string;
}

/**
 * A resume the gateway could not serve in full (events after `requested_id` were evicted, or the id is from an
 * earlier run): every buffered event follows, but a client keeping a list from the stream must read it again.
 */
export interface ReplayTruncated {
  id?: string;
  event_type: 'replay_truncated';
  requested_id?: number;
  first_id?: number;
  last_id?: number;
}

/** Parses a `/faults/stream` message including muted symptoms' changes and `replay_truncated`; undefined for other event names. */
export function parseFaultOrMutedEvent(m: SseMessage): FaultStreamEvent | MutedFaultEvent | ReplayTruncated | undefined {
  if (m.event === 'replay_truncated') {
    const body = JSON.parse(m.data) as Omit<ReplayTruncated, 'event_type'>;
    return { id: m.id, event_type: 'replay_truncated', requested_id: body.requested_id, first_id: body.first_id, last_id: body.last_id };
  }
  if (m.event !== FAULT_MUTED_EVENT) return parseFaultEvent(m);
  const body = JSON.parse(m.data) as Partial<MutedFaultEvent>;
  const fault = body.muted_fault;
  if (!fault || typeof fault !== 'object' || typeof fault.fault_code !== 'string') throw new Error('fault_muted event without a muted_fault');
  return {
    ...body,
    id: m.id,
    event_type: FAULT_MUTED_EVENT,
    muted_event_type: typeof body.muted_event_type === 'string' ? body.muted_event_type : 'fault_updated',
    muted_fault: fault,
    timestamp: typeof body.timestamp === 'number' ? body.timestamp : NaN,
  };
}

/** The error of a failed sample or evaluation, always in object form. */
export interface EnvelopeError {
  error_code: string;
  vendor_code?: string;
  message: string;
  parameters?: Record<string, unknown>;
}

/** A trigger or cyclic-subscription event: `payload` or `error` (docs/api.md). */
export type EventEnvelope<P = unknown> = { id?: string; timestamp: string } & ({ payload: P; error?: undefined } | { payload?: undefined; error: EnvelopeError });

/** Parses an EventEnvelope; a plain-string `error` (older gateways' trigger streams) becomes `{error_code: 'vendor-error', message}`. */
export function parseEnvelope<P = unknown>(m: SseMessage): EventEnvelope<P> {
  const body = JSON.parse(m.data) as Record<string, unknown>;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('event envelope is not an object');
  const timestamp = typeof body.timestamp === 'string' ? body.timestamp : '';
  if ('error' in body && body.error !== undefined) {
    const e = body.error;
    const error: EnvelopeError =
      typeof e === 'string'
        ? { error_code: 'vendor-error', message: e }
        : e && typeof e === 'object' && typeof (e as EnvelopeError).error_code === 'string'
          ? (e as EnvelopeError)
          : { error_code: 'vendor-error', message: JSON.stringify(e) };
    return { id: m.id, timestamp, error };
  }
  if (!('payload' in body)) throw new Error('event envelope has neither payload nor error');
  return { id: m.id, timestamp, payload: body.payload as P };
}

/** Parses a watch stream message; undefined for other event names, a throw for a `changed` event without path or status. */
export function parseWatchChange(m: SseMessage): WatchChange | undefined {
  if (m.event !== 'changed') return undefined;
  const body = JSON.parse(m.data) as Partial<WatchChange> | null;
  if (!body || typeof body.path !== 'string' || typeof body.status !== 'number') throw new Error('watch event without path and status');
  return { path: body.path, status: body.status, ...('body' in body ? { body: body.body } : {}), ...(body.too_large === true ? { too_large: true } : {}) };
}

/** One event of a topic's stream (`GET …/data/{topic}/stream`): the gateway's data with the event's name and id. */
export interface TopicStreamEvent extends TopicStreamData {
  id?: string;
  kind: 'sample' | 'stats';
}

const nullableNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Parses a topic stream message; undefined for other event names. Figures that are missing or not numbers read as
 * null (counts as 0): a gateway that adds or drops a figure does not stop the view; a body that is not an object throws.
 */
export function parseTopicStreamEvent(m: SseMessage): TopicStreamEvent | undefined {
  if (m.event !== 'sample' && m.event !== 'stats') return undefined;
  const body = JSON.parse(m.data) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('topic stream event is not an object');
  const s = body.stats && typeof body.stats === 'object' ? (body.stats as Record<string, unknown>) : {};
  return {
    id: m.id,
    kind: m.event,
    ...(m.event === 'sample' && 'data' in body ? { data: body.data } : {}),
    ...(body.value_omitted === 'too_large' ? { value_omitted: 'too_large' as const } : {}),
    timestamp: nullableNumber(body.timestamp),
    age_sec: nullableNumber(body.age_sec),
    stats: {
      rate_hz: nullableNumber(s.rate_hz),
      interval_min_sec: nullableNumber(s.interval_min_sec),
      interval_max_sec: nullableNumber(s.interval_max_sec),
      interval_std_sec: nullableNumber(s.interval_std_sec),
      window_count: count(s.window_count),
      bandwidth_bytes_per_sec: nullableNumber(s.bandwidth_bytes_per_sec),
      mean_size_bytes: nullableNumber(s.mean_size_bytes),
      received: count(s.received),
      dropped: count(s.dropped),
    },
  };
}

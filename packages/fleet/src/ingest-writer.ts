// Idempotent ingest of one batch into PostgreSQL (docs/fleet.md): events are inserted once by event id, then
// the current state (faults by robot and code, robots, entity snapshots) moves forward only when the event's
// seq is newer than the stored one. Duplicates and out-of-order deliveries are therefore harmless, and any
// number of replicas may write at once, by either path (JetStream, or the fast path of docs/fleet.md, whichever
// brings an event first). Every statement touches rows in (robot, key) order so concurrent replicas cannot
// deadlock on each other. One transaction per batch; the caller acks after it commits.
import type { Pool } from 'pg';
import { withPgTransaction } from '@medkit/kit';
import type { FleetEnvelope } from '@medkit/fleet-protocol';

export interface IngestItem {
  envelope: FleetEnvelope;
  /**
   * JetStream stream sequence: the fleet-wide order SSE ids and Last-Event-ID use. Undefined for an event from the
   * fast path, which has none; its JetStream copy fills it in later.
   */
  streamSeq?: number;
  /** When JetStream stored the event (ISO 8601, the broker's clock): when the robot was last heard from. */
  storedAt?: string;
  /** Fast path only: when this replica received it (ISO 8601); core NATS neither stores nor redelivers, so this is when the robot sent it. */
  receivedAt?: string;
}

export interface BatchOutcome {
  /** Events stored now for the first time. */
  fresh: number;
  /** JetStream copies of events the fast path had stored first: their stream sequence and store time recorded now. */
  confirmed: number;
}

/**
 * Inserts the events not stored yet, and gives an event the fast path stored first the stream sequence and store time
 * of its JetStream copy. One row back per event inserted (`inserted`) or completed; a plain duplicate returns none.
 * DISTINCT: an event twice in one batch (republished past the duplicate window) would make the upsert touch its row
 * twice, which PostgreSQL refuses. `xmax = 0` is true only for a row this statement inserted.
 */
const INSERT_EVENTS = `
  INSERT INTO fleet_events (event_id, robot_id, seq, kind, robot_time, stream_seq, body, stored_at)
  SELECT DISTINCT ON (e->>'robot_id', (e->>'seq')::bigint)
    e->>'event_id', e->>'robot_id', (e->>'seq')::bigint, e->>'kind', (e->>'time')::timestamptz, (e->>'stream_seq')::bigint, e->'body',
    (e->>'stored_at')::timestamptz
  FROM jsonb_array_elements($1::jsonb) e
  ORDER BY e->>'robot_id', (e->>'seq')::bigint, (e->>'stream_seq')::bigint
  ON CONFLICT (event_id) DO UPDATE SET stream_seq = EXCLUDED.stream_seq, stored_at = EXCLUDED.stored_at
    WHERE fleet_events.stream_seq IS NULL AND EXCLUDED.stream_seq IS NOT NULL
  RETURNING event_id, (xmax = 0) AS inserted`;

/**
 * Liveness (docs/fleet.md): a robot was heard from when an event of it that the fleet did not have reached it: the
 * time JetStream stored it, or the time a replica received it on the fast path, capped at our clock. So a
 * redelivered or republished event the fleet already holds, and a backlog the fleet catches up on after being
 * away, do not make a robot that went silent look online; only events it sent do. (An event without either time,
 * e.g. from an older replica's queue, counts as heard now.)
 */
const UPSERT_ROBOTS = `
  INSERT INTO fleet_robots (robot_id, last_seen)
  SELECT r.robot_id, LEAST(now(), max(r.heard_at)) FROM unnest($1::text[], $2::timestamptz[]) AS r(robot_id, heard_at)
  GROUP BY r.robot_id ORDER BY r.robot_id
  ON CONFLICT (robot_id) DO UPDATE SET last_seen = GREATEST(fleet_robots.last_seen, EXCLUDED.last_seen)`;

const UPSERT_HEALTH = `
  UPDATE fleet_robots r SET health_seq = h.seq, health = h.body,
    interval_sec = COALESCE((h.body->>'interval_sec')::integer, r.interval_sec),
    gateway_url = h.body->>'gateway_url'
  FROM (
    SELECT DISTINCT ON (e->>'robot_id') e->>'robot_id' AS robot_id, (e->>'seq')::bigint AS seq, e->'body' AS body
    FROM jsonb_array_elements($1::jsonb) e WHERE e->>'kind' = 'health'
    ORDER BY e->>'robot_id', (e->>'seq')::bigint DESC
  ) h
  WHERE r.robot_id = h.robot_id AND r.health_seq < h.seq`;

const UPSERT_FAULTS = `
  INSERT INTO fleet_faults (robot_id, fault_code, seq, severity, status, description, occurrence_count, reporting_sources, first_occurred, last_occurred, acknowledgement)
  SELECT DISTINCT ON (e->>'robot_id', e->'body'->>'fault_code')
    e->>'robot_id', e->'body'->>'fault_code', (e->>'seq')::bigint, (e->'body'->>'severity')::integer, e->'body'->>'status',
    COALESCE(e->'body'->>'description', ''), (e->'body'->>'occurrence_count')::bigint, COALESCE(e->'body'->'reporting_sources', '[]'::jsonb),
    (e->'body'->>'first_occurred')::timestamptz, (e->'body'->>'last_occurred')::timestamptz, e->'body'->'acknowledgement'
  FROM jsonb_array_elements($1::jsonb) e WHERE e->>'kind' = 'faults'
  ORDER BY e->>'robot_id', e->'body'->>'fault_code', (e->>'seq')::bigint DESC
  ON CONFLICT (robot_id, fault_code) DO UPDATE SET
    seq = EXCLUDED.seq, severity = EXCLUDED.severity, status = EXCLUDED.status, description = EXCLUDED.description,
    occurrence_count = EXCLUDED.occurrence_count, reporting_sources = EXCLUDED.reporting_sources,
    first_occurred = EXCLUDED.first_occurred, last_occurred = EXCLUDED.last_occurred, acknowledgement = EXCLUDED.acknowledgement
  WHERE fleet_faults.seq < EXCLUDED.seq`;

const UPSERT_ENTITIES = `
  INSERT INTO fleet_entities (robot_id, seq, entities)
  SELECT DISTINCT ON (e->>'robot_id') e->>'robot_id', (e->>'seq')::bigint, COALESCE(e->'body'->'entities', '[]'::jsonb)
  FROM jsonb_array_elements($1::jsonb) e WHERE e->>'kind' = 'entities'
  ORDER BY e->>'robot_id', (e->>'seq')::bigint DESC
  ON CONFLICT (robot_id) DO UPDATE SET seq = EXCLUDED.seq, entities = EXCLUDED.entities
  WHERE fleet_entities.seq < EXCLUDED.seq`;

/** Writes one batch in one transaction. Throws when PostgreSQL fails. */
export async function writeBatch(pool: Pool, items: readonly IngestItem[]): Promise<BatchOutcome> {
  if (items.length === 0) return { fresh: 0, confirmed: 0 };
  const json = JSON.stringify(items.map((i) => ({ ...i.envelope, stream_seq: i.streamSeq, stored_at: i.storedAt })));
  return withPgTransaction(() => pool.connect(), async (client) => {
    const written = await client.query<{ event_id: string; inserted: boolean }>(INSERT_EVENTS, [json]);
    // Only new events say a robot was heard from (a duplicate's robot has its row since the event was first written).
    const byId = new Map(items.map((i) => [i.envelope.event_id, i]));
    const fresh = written.rows.filter((r) => r.inserted).map((r) => byId.get(r.event_id)!);
    if (fresh.length > 0) await client.query(UPSERT_ROBOTS, [fresh.map((i) => i.envelope.robot_id), fresh.map((i) => i.storedAt ?? i.receivedAt ?? null)]);
    await client.query(UPSERT_HEALTH, [json]);
    await client.query(UPSERT_FAULTS, [json]);
    await client.query(UPSERT_ENTITIES, [json]);
    return { fresh: fresh.length, confirmed: written.rows.length - fresh.length };
  });
}

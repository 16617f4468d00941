// Idempotent ingest of one batch into PostgreSQL (fleet.md §5): events are inserted once by event id, then
// the current state (faults by robot and code, robots, entity snapshots) moves forward only when the event's
// seq is newer than the stored one. Duplicates and out-of-order deliveries are therefore harmless, and any
// number of replicas may write at once. Every statement touches rows in (robot, key) order so concurrent
// replicas cannot deadlock on each other. One transaction per batch; the caller acks after it commits.
import type { Pool } from 'pg';
import type { FleetEnvelope } from '@medkit/fleet-protocol';

export interface IngestItem {
  envelope: FleetEnvelope;
  /** JetStream stream sequence: the fleet-wide order SSE ids and Last-Event-ID use. */
  streamSeq: number;
  /** When JetStream stored the event (ISO 8601, the broker's clock): when the robot was last heard from. */
  storedAt?: string;
}

/** Inserts the events not stored yet; returns one row per event inserted now (a duplicate returns none). */
const INSERT_EVENTS = `
  INSERT INTO fleet_events (event_id, robot_id, seq, kind, robot_time, stream_seq, body, stored_at)
  SELECT e->>'event_id', e->>'robot_id', (e->>'seq')::bigint, e->>'kind', (e->>'time')::timestamptz, (e->>'stream_seq')::bigint, e->'body',
    (e->>'stored_at')::timestamptz
  FROM jsonb_array_elements($1::jsonb) e
  ORDER BY e->>'robot_id', (e->>'seq')::bigint
  ON CONFLICT (event_id) DO NOTHING
  RETURNING robot_id, stored_at`;

/**
 * Liveness (fleet.md §5): a robot was heard from when JetStream stored an event of it that the fleet did not
 * have, capped at our clock. So a redelivered or republished event the fleet already holds, and a backlog the fleet
 * catches up on after being away, do not make a robot that went silent look online; only events it sent do.
 * (An event without a store time, e.g. from an older replica's queue, counts as heard now.)
 */
const UPSERT_ROBOTS = `
  INSERT INTO fleet_robots (robot_id, last_seen)
  SELECT r.robot_id, LEAST(now(), max(r.stored_at)) FROM unnest($1::text[], $2::timestamptz[]) AS r(robot_id, stored_at)
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
  INSERT INTO fleet_faults (robot_id, fault_code, seq, severity, status, description, occurrence_count, reporting_sources, first_occurred, last_occurred)
  SELECT DISTINCT ON (e->>'robot_id', e->'body'->>'fault_code')
    e->>'robot_id', e->'body'->>'fault_code', (e->>'seq')::bigint, (e->'body'->>'severity')::integer, e->'body'->>'status',
    COALESCE(e->'body'->>'description', ''), (e->'body'->>'occurrence_count')::bigint, COALESCE(e->'body'->'reporting_sources', '[]'::jsonb),
    (e->'body'->>'first_occurred')::timestamptz, (e->'body'->>'last_occurred')::timestamptz
  FROM jsonb_array_elements($1::jsonb) e WHERE e->>'kind' = 'faults'
  ORDER BY e->>'robot_id', e->'body'->>'fault_code', (e->>'seq')::bigint DESC
  ON CONFLICT (robot_id, fault_code) DO UPDATE SET
    seq = EXCLUDED.seq, severity = EXCLUDED.severity, status = EXCLUDED.status, description = EXCLUDED.description,
    occurrence_count = EXCLUDED.occurrence_count, reporting_sources = EXCLUDED.reporting_sources,
    first_occurred = EXCLUDED.first_occurred, last_occurred = EXCLUDED.last_occurred
  WHERE fleet_faults.seq < EXCLUDED.seq`;

const UPSERT_ENTITIES = `
  INSERT INTO fleet_entities (robot_id, seq, entities)
  SELECT DISTINCT ON (e->>'robot_id') e->>'robot_id', (e->>'seq')::bigint, COALESCE(e->'body'->'entities', '[]'::jsonb)
  FROM jsonb_array_elements($1::jsonb) e WHERE e->>'kind' = 'entities'
  ORDER BY e->>'robot_id', (e->>'seq')::bigint DESC
  ON CONFLICT (robot_id) DO UPDATE SET seq = EXCLUDED.seq, entities = EXCLUDED.entities
  WHERE fleet_entities.seq < EXCLUDED.seq`;

/** Writes one batch in one transaction; returns how many events were new. Throws when PostgreSQL fails. */
export async function writeBatch(pool: Pool, items: readonly IngestItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const json = JSON.stringify(items.map((i) => ({ ...i.envelope, stream_seq: i.streamSeq, stored_at: i.storedAt })));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ robot_id: string; stored_at: Date | null }>(INSERT_EVENTS, [json]);
    // Only new events say a robot was heard from (a duplicate's robot has its row since the event was first written).
    const fresh = inserted.rows;
    if (fresh.length > 0) await client.query(UPSERT_ROBOTS, [fresh.map((r) => r.robot_id), fresh.map((r) => r.stored_at)]);
    await client.query(UPSERT_HEALTH, [json]);
    await client.query(UPSERT_FAULTS, [json]);
    await client.query(UPSERT_ENTITIES, [json]);
    await client.query('COMMIT');
    return fresh.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

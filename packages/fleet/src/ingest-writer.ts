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
}

const INSERT_EVENTS = `
  INSERT INTO fleet_events (event_id, robot_id, seq, kind, robot_time, stream_seq, body)
  SELECT e->>'event_id', e->>'robot_id', (e->>'seq')::bigint, e->>'kind', (e->>'time')::timestamptz, (e->>'stream_seq')::bigint, e->'body'
  FROM jsonb_array_elements($1::jsonb) e
  ORDER BY e->>'robot_id', (e->>'seq')::bigint
  ON CONFLICT (event_id) DO NOTHING`;

const UPSERT_ROBOTS = `
  INSERT INTO fleet_robots (robot_id, last_seen)
  SELECT DISTINCT e->>'robot_id', now() FROM jsonb_array_elements($1::jsonb) e ORDER BY 1
  ON CONFLICT (robot_id) DO UPDATE SET last_seen = now()`;

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
  const json = JSON.stringify(items.map((i) => ({ ...i.envelope, stream_seq: i.streamSeq })));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(INSERT_EVENTS, [json]);
    await client.query(UPSERT_ROBOTS, [json]);
    await client.query(UPSERT_HEALTH, [json]);
    await client.query(UPSERT_FAULTS, [json]);
    await client.query(UPSERT_ENTITIES, [json]);
    await client.query('COMMIT');
    return inserted.rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

// The fleet's PostgreSQL schema, as versioned migrations (docs/fleet.md). They run under a transaction-scoped
// advisory lock, so replicas starting together migrate exactly once; each version is recorded.
import type { Pool } from 'pg';
import { withPgTransaction } from '@medkit/kit';

interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Key of the advisory lock that serialises migrations (any constant unique to medkit). */
const MIGRATION_LOCK = 0x6d65646b; // 'medk'

const FLEET_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: 'events, robots, faults, entity snapshots',
    sql: `
      CREATE TABLE fleet_events (
        event_id text PRIMARY KEY,
        robot_id text NOT NULL,
        seq bigint NOT NULL,
        kind text NOT NULL,
        robot_time timestamptz NOT NULL,
        stream_seq bigint NOT NULL,
        body jsonb NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX fleet_events_robot_seq ON fleet_events (robot_id, seq);
      CREATE INDEX fleet_events_faults_stream ON fleet_events (stream_seq) WHERE kind = 'faults';
      CREATE TABLE fleet_robots (
        robot_id text PRIMARY KEY,
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        health_seq bigint NOT NULL DEFAULT 0,
        health jsonb,
        interval_sec integer NOT NULL DEFAULT 10,
        gateway_url text
      );
      CREATE TABLE fleet_faults (
        robot_id text NOT NULL,
        fault_code text NOT NULL,
        seq bigint NOT NULL,
        severity integer NOT NULL,
        status text NOT NULL,
        description text NOT NULL,
        occurrence_count bigint NOT NULL,
        reporting_sources jsonb NOT NULL,
        first_occurred timestamptz NOT NULL,
        last_occurred timestamptz NOT NULL,
        PRIMARY KEY (robot_id, fault_code)
      );
      CREATE INDEX fleet_faults_last ON fleet_faults (last_occurred);
      CREATE TABLE fleet_entities (
        robot_id text PRIMARY KEY,
        seq bigint NOT NULL,
        entities jsonb NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'when JetStream stored each event (robot liveness, lag analysis)',
    sql: 'ALTER TABLE fleet_events ADD COLUMN stored_at timestamptz',
  },
  {
    version: 3,
    name: 'events the fast path brought first: no stream sequence until their JetStream copy arrives',
    sql: 'ALTER TABLE fleet_events ALTER COLUMN stream_seq DROP NOT NULL',
  },
  {
    version: 4,
    name: 'who acknowledged a fault on its robot (the newest fault event says; null: nobody)',
    sql: 'ALTER TABLE fleet_faults ADD COLUMN acknowledgement jsonb',
  },
  {
    version: 5,
    name: 'fault codes across the fleet: fault events by time (hourly trend), each robot\'s newest fault (last incident)',
    sql: `CREATE INDEX fleet_events_faults_time ON fleet_events (robot_time) WHERE kind = 'faults';
      CREATE INDEX fleet_faults_robot_last ON fleet_faults (robot_id, last_occurred);`,
  },
];

/** Applies the migrations not yet recorded; returns the versions applied by this call. */
export async function migrateFleetSchema(pool: Pool, migrations: readonly PgMigration[] = FLEET_MIGRATIONS): Promise<number[]> {
  return withPgTransaction(() => pool.connect(), async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS fleet_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM fleet_schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO fleet_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

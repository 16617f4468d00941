// The idempotent writer (ingest-writer.ts) on a real PostgreSQL, fed as the two paths feed it: an event may come
// first without a stream sequence (the fast path) and then as its JetStream copy, or the other way round, or twice
// on one path. Each event is stored once; its JetStream copy completes the row (stream sequence, store time) and is
// counted as confirmed, not fresh; a robot is heard from once per event, at the first copy; the current state
// moves forward only to a newer seq, whichever path brings which event first.
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { FaultEventBody, FleetEnvelope } from '@medkit/fleet-protocol';
import { describeWith, POSTGRES } from '../../../test-support/requirements.js';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { waitFor } from '../../../test-support/processes.js';
import { migrateFleetSchema } from '../src/schema.js';
import { writeBatch, type IngestItem } from '../src/ingest-writer.js';

const T0 = Date.parse('2026-11-25T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function fault(robot: string, seq: number, occurrences: number): FleetEnvelope<FaultEventBody> {
  const time = iso(T0 + seq);
  return {
    v: 1, robot_id: robot, seq, event_id: `${robot}:${seq}`, time, kind: 'faults',
    body: { event_type: 'fault_updated', fault_code: 'MOTOR', severity: 2, status: 'CONFIRMED', description: '', occurrence_count: occurrences, reporting_sources: [], first_occurred: time, last_occurred: time },
  };
}
/** The fast path's copy: no stream sequence, the time a replica received it. */
const fast = (e: FleetEnvelope, receivedMs: number): IngestItem => ({ envelope: e, receivedAt: iso(receivedMs) });
/** JetStream's copy: its stream sequence and store time. */
const stream = (e: FleetEnvelope, seq: number, storedMs: number): IngestItem => ({ envelope: e, streamSeq: seq, storedAt: iso(storedMs) });

describeWith(POSTGRES, 'fleet ingest writer: one event, two paths', () => {
  let pgs: PgServer;
  let pool: pg.Pool;
  const row = async (eventId: string) => (await pool.query('SELECT stream_seq, stored_at FROM fleet_events WHERE event_id = $1', [eventId])).rows;
  const lastSeen = async (robot: string) => ((await pool.query('SELECT last_seen FROM fleet_robots WHERE robot_id = $1', [robot])).rows[0]?.last_seen as Date).getTime();
  const occurrences = async (robot: string) => Number((await pool.query(`SELECT occurrence_count FROM fleet_faults WHERE robot_id = $1 AND fault_code = 'MOTOR'`, [robot])).rows[0].occurrence_count);

  beforeAll(async () => {
    pgs = await startPostgres();
    pool = new pg.Pool({ connectionString: pgs.url, max: 2 });
    await migrateFleetSchema(pool);
  });
  afterAll(async () => {
    await pool?.end();
    pgs?.stop();
  });

  it('stores a fast-path event once and completes it with its JetStream copy, which is confirmed, not fresh', async () => {
    const e = fault('r1', 1, 1);
    expect(await writeBatch(pool, [fast(e, T0 + 10)])).toEqual({ fresh: 1, confirmed: 0 });
    expect(await row('r1:1')).toEqual([{ stream_seq: null, stored_at: null }]);
    // The same fast copy again (a robot's resend after reconnecting): nothing.
    expect(await writeBatch(pool, [fast(e, T0 + 20)])).toEqual({ fresh: 0, confirmed: 0 });
    expect(await writeBatch(pool, [stream(e, 41, T0 + 30)])).toEqual({ fresh: 0, confirmed: 1 });
    expect(await row('r1:1')).toEqual([{ stream_seq: '41', stored_at: new Date(T0 + 30) }]);
    // Heard from at the first copy only.
    expect(await lastSeen('r1')).toBe(T0 + 10);
    // A redelivery of the JetStream copy, and the fast copy after it: plain duplicates.
    expect(await writeBatch(pool, [stream(e, 41, T0 + 30)])).toEqual({ fresh: 0, confirmed: 0 });
    expect(await writeBatch(pool, [fast(e, T0 + 50)])).toEqual({ fresh: 0, confirmed: 0 });
    expect(await row('r1:1')).toEqual([{ stream_seq: '41', stored_at: new Date(T0 + 30) }]);
    expect(await lastSeen('r1')).toBe(T0 + 10);
  });

  it('takes an event twice in one batch (republished past the duplicate window) once', async () => {
    const e = fault('r2', 1, 1);
    expect(await writeBatch(pool, [stream(e, 50, T0 + 5), stream(e, 51, T0 + 6)])).toEqual({ fresh: 1, confirmed: 0 });
    expect(await row('r2:1')).toEqual([{ stream_seq: '50', stored_at: new Date(T0 + 5) }]);
  });

  it('moves the fault only to a newer seq, whichever path brings which event first', async () => {
    const [e1, e2, e3] = [fault('r3', 1, 1), fault('r3', 2, 2), fault('r3', 3, 3)];
    // seq 2 by the fast path, then seq 1's JetStream copy (its fast copy was lost): the fault stays at seq 2.
    await writeBatch(pool, [fast(e2, T0 + 10)]);
    await writeBatch(pool, [stream(e1, 60, T0 + 11)]);
    expect(await occurrences('r3')).toBe(2);
    // seq 3 by JetStream first, then seq 2's JetStream copy and seq 3's fast copy: still seq 3.
    await writeBatch(pool, [stream(e3, 62, T0 + 12)]);
    await writeBatch(pool, [stream(e2, 61, T0 + 13)]);
    await writeBatch(pool, [fast(e3, T0 + 14)]);
    expect(await occurrences('r3')).toBe(3);
    const rows = (await pool.query(`SELECT seq, stream_seq FROM fleet_events WHERE robot_id = 'r3' ORDER BY seq`)).rows;
    expect(rows).toEqual([{ seq: '1', stream_seq: '60' }, { seq: '2', stream_seq: '61' }, { seq: '3', stream_seq: '62' }]);
  });
});

// PostgreSQL going down while a write holds a client: node-postgres emits the lost connection on the client, which
// the pool does not listen on while the client is out; unheard, that 'error' event killed the fleet replica.
describeWith(POSTGRES, 'fleet ingest writer: PostgreSQL shut down in the middle of a write', () => {
  let pgs: PgServer;
  let pool: pg.Pool;
  let blocker: pg.Client;

  beforeAll(async () => {
    pgs = await startPostgres();
    pool = new pg.Pool({ connectionString: pgs.url, max: 1 });
    pool.on('error', () => undefined); // the idle clients' loss, as the fleet feature handles it
    await migrateFleetSchema(pool);
  });

  afterAll(async () => {
    // First the blocker: a write still waiting on its lock (a failed run) would keep pool.end() waiting.
    // Its end is the event; the 2 s bound is a deadline that only a failed run reaches.
    const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the blocker did not end')), 2000).unref());
    await Promise.race([blocker?.end(), stuck]).catch(() => undefined);
    await pool?.end();
    pgs?.stop();
  });

  it('rejects the write, keeps the process alive, and writes again once PostgreSQL is back', async () => {
    // Another session holds the events table, so the write waits inside its transaction, its client checked out.
    blocker = new pg.Client({ connectionString: pgs.url });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE fleet_events IN ACCESS EXCLUSIVE MODE');
    const write = writeBatch(pool, [fast(fault('down', 1, 1), T0)]);
    let state = 'pending';
    const settled = write.then(() => (state = 'written'), (err: Error) => (state = `failed: ${err.message}`));
    // The pool's one session waiting on the table (its query text is not reliable: waiting in the INSERT's parse, it
    // may still show the previous statement).
    const waiting = async () => (await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND wait_event = 'relation'`)).rows[0].n as number;
    await waitFor(async () => ((await waiting()) > 0 ? true : undefined), 'the write waiting on the lock', 30_000).catch(() => undefined);
    expect({ waiting: await waiting(), write: state }).toEqual({ waiting: 1, write: 'pending' });
    // The pool removes its client once the connection has ended: the event the next step waits for.
    const removed = once(pool, 'remove', { signal: AbortSignal.timeout(30_000) });
    pgs.pause();
    expect(await settled).toMatch(/terminat/i);
    // The connection's end arrives after the query's error: wait for it to be emitted (and, unheard, to throw).
    await removed;
    pgs.resume();
    // The one client of the pool was handed back broken: it is replaced, not lent out again.
    expect(await writeBatch(pool, [fast(fault('down', 2, 1), T0 + 1)])).toEqual({ fresh: 1, confirmed: 0 });
    expect((await pool.query(`SELECT seq FROM fleet_events WHERE robot_id = 'down'`)).rows).toEqual([{ seq: '2' }]);
  });
});

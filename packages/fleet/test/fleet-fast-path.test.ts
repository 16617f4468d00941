// The fast path (docs/fleet.md "The fast path") on real servers: a 3-node nats-server JetStream cluster,
// PostgreSQL, two `medkit fleet` replicas and a robot gateway, all connected to one node. The node leading the
// fleet stream is SIGKILLed and a second node frozen (SIGSTOP), so JetStream cannot elect a new stream leader
// until the test thaws it: what the fleet shows meanwhile came by the fast path alone.
// - a fault reported then is on GET /faults and on the live SSE feed while the stream has no leader, the robot stays
//   online; once JetStream has a leader again its copy completes the same row: stored exactly once, sent once;
// - a flood on the fast subjects (one robot far past its rate; thousands of robots while PostgreSQL is down) is
//   dropped and counted at the replica's bounds, and the replica goes on ingesting.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureFleetStream, fastSubjectFor, streamName } from '@medkit/fleet-protocol';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { scrape, valueOf } from '../../../test-support/prometheus.js';
import { openSse, startFleetReplica, streamSeqOfId, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';
import type { FastPathStats } from '../src/fast-path.js';

const FLEET = 'fast';
const STREAM = streamName(FLEET);
const MAX_QUEUE = 64;
const ROBOT_RATE = 200;

interface Health {
  'x-medkit-fleet': { nats_connected: boolean; fast_path: FastPathStats; ingest: { confirmed: number; duplicates: number } | null };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet fast path: visible while JetStream has no leader, bounded under a flood', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let db: pg.Pool;
  let nc: NatsConnection;
  const replicas: FleetReplica[] = [];
  let robot: FaultGateway;
  /** The node leading the stream (killed), a follower (frozen), the node everything is connected to. */
  let leader = -1;
  let frozen = -1;
  let survivor = -1;

  const health = (r: FleetReplica): Promise<Health> => r.getJson<Health>('/api/v1/health');
  const total = async (r: FleetReplica, code: string): Promise<number> =>
    (await r.getJson<{ 'x-medkit'?: { total: number } }>(`/api/v1/faults?fault_code=${code}&status=all`))['x-medkit']?.total ?? -1;
  const online = async (r: FleetReplica, id: string): Promise<boolean | undefined> =>
    (await r.getJson<{ items?: { id: string; 'x-medkit': { online: boolean } }[] }>('/api/v1/components')).items?.find((c) => c.id === id)?.['x-medkit'].online;

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3), startPostgres()]);
    db = new pg.Pool({ connectionString: pgs.url, max: 2 });
    db.on('error', () => undefined); // idle clients die when the test stops PostgreSQL
    // The stream first, to know its leader; then everything on a node that will stay up and responsive.
    nc = await connect({ servers: nats.urls, timeout: 5000 });
    await until(() => ensureFleetStream(nc, FLEET, { maxAgeSec: 3600, maxBytes: -1, duplicateWindowSec: 120, replicas: 3 }).catch(() => undefined), 'the fleet stream', 30_000);
    const name = await until(async () => (await jetstreamManager(nc, { timeout: 2000 }).then((m) => m.streams.info(STREAM)).catch(() => undefined))?.cluster?.leader, 'the stream leader', 30_000);
    leader = nats.nodes.findIndex((n) => n.name === name);
    [frozen, survivor] = [0, 1, 2].filter((i) => i !== leader);
    const at = [nats.urls[survivor]];
    await nc.close();
    nc = await connect({ servers: at, timeout: 5000 });
    const set = ['fleet.stream.replicas=3', 'fleet.ingest.ack_wait_sec=2', 'metrics.enabled=true', `fleet.fast_path.max_queue=${MAX_QUEUE}`, `fleet.fast_path.robot_rate=${ROBOT_RATE}`, 'fleet.database.timeout_ms=1500'];
    replicas.push(...(await Promise.all([0, 1].map(() => startFleetReplica({ nats: at, database: pgs.url, fleet: FLEET, set })))));
    robot = await startRobotGateway({ flags: { 'fleet.enabled': true, 'fleet.id': FLEET, 'fleet.robot_id': 'amr-f', 'fleet.nats.servers': at, 'fleet.health_interval_sec': 1 } });
    // Both paths up: the fast-path subscription, and the JetStream ingest (the live feed starts with it).
    for (const r of replicas) await until(async () => ((await health(r))['x-medkit-fleet'].fast_path.subscribed && (await health(r))['x-medkit-fleet'].ingest ? true : undefined), 'fast path and ingest running', 30_000);
    await until(async () => ((await online(replicas[0], 'amr-f')) ? true : undefined), 'amr-f online', 30_000);
  });

  afterAll(async () => {
    await robot?.close();
    for (const r of replicas) await r.kill('SIGKILL');
    await nc?.close().catch(() => undefined);
    await db?.end();
    if (frozen >= 0) nats?.thaw(frozen);
    await nats?.stop();
    pgs?.stop();
  });

  it('shows a fault reported while the stream has no leader on GET /faults and the live feed, then stores and sends it once', async () => {
    const sse = await openSse(`${replicas[0].url}/api/v1/faults/stream`);
    expect(sse.status).toBe(200);
    const code = (e: { data: unknown }) => (e.data as { fault: { fault_code: string } }).fault.fault_code;
    let liveAt: string | undefined;
    await nats.kill(leader);
    nats.freeze(frozen);
    const cutAt = new Date();
    try {
      robot.fail('FAST_NO_LEADER', '/amr/lidar', 3, 'reported while JetStream has no stream leader');
      await until(async () => ((await total(replicas[1], 'FAST_NO_LEADER')) === 1 ? true : undefined), 'the fault on GET /faults', 30_000);
      // Stored by the fast path: JetStream has not stored it (its row has no stream sequence) and cannot yet.
      const row = await db.query(`SELECT stream_seq FROM fleet_events WHERE body->>'fault_code' = 'FAST_NO_LEADER'`);
      expect(row.rows).toEqual([{ stream_seq: null }]);
      await expect(jetstreamManager(nc, { timeout: 2000 }).then((m) => m.streams.info(STREAM))).rejects.toThrow();
      // Live too, once; it has no stream sequence yet, so its SSE id starts with the client's resume point.
      const live = await until(() => sse.events.find((e) => code(e) === 'FAST_NO_LEADER'), 'the fault on the live feed', 30_000);
      liveAt = streamSeqOfId(live.id);
      expect(live.id === undefined || /^\d+\.amr-f\.\d+$/.test(live.id)).toBe(true);
      // Heard from meanwhile by the fast path alone: its heartbeats keep it online.
      await until(async () => ((await db.query(`SELECT last_seen > $1 AS after FROM fleet_robots WHERE robot_id = 'amr-f'`, [cutAt])).rows[0]?.after ? true : undefined), 'a heartbeat from amr-f after the cut', 30_000);
      expect(await online(replicas[1], 'amr-f')).toBe(true);
    } finally {
      nats.thaw(frozen);
    }
    // JetStream elects a leader, the robot's outbox delivers, and the JetStream copy completes the same row.
    const seq = await until(async () => (await db.query(`SELECT stream_seq FROM fleet_events WHERE body->>'fault_code' = 'FAST_NO_LEADER' AND stream_seq IS NOT NULL`)).rows[0]?.stream_seq as string | undefined, 'the JetStream copy ingested', 90_000);
    expect((await db.query(`SELECT count(*)::int AS n FROM fleet_events WHERE body->>'fault_code' = 'FAST_NO_LEADER'`)).rows[0].n).toBe(1);
    const hs = await Promise.all(replicas.map(health));
    expect(hs.reduce((n, h) => n + (h['x-medkit-fleet'].ingest?.confirmed ?? 0), 0)).toBeGreaterThan(0);
    // The live client gets only the id of the JetStream copy: the event once, its resume point past it.
    await until(() => (sse.bareIds.some((b) => streamSeqOfId(b) === seq) ? true : undefined), 'the bare id of the JetStream copy', 30_000);
    expect(liveAt === undefined || Number(liveAt) < Number(seq)).toBe(true);
    await sse.close();
    expect(sse.events.filter((e) => code(e) === 'FAST_NO_LEADER')).toHaveLength(1);
    await nats.restart(leader);
  });

  /** Publishes `n` fault envelopes per robot on the robots' fast subjects as fast as the client goes. */
  async function flood(robotIds: string[], n: number): Promise<void> {
    const time = new Date().toISOString();
    const body = { event_type: 'fault_updated', fault_code: 'FLOOD', severity: 1, status: 'CONFIRMED', description: 'flood', occurrence_count: 1, reporting_sources: [], first_occurred: time, last_occurred: time };
    let sent = 0;
    for (let seq = 1; seq <= n; seq++) {
      for (const id of robotIds) {
        nc.publish(fastSubjectFor(FLEET, id, 'faults'), JSON.stringify({ v: 1, robot_id: id, seq, event_id: `${id}:${seq}`, time, kind: 'faults', body }));
        if (++sent % 2000 === 0) await nc.flush();
      }
    }
    await nc.flush();
  }

  /** Every message a replica received is accounted for: written, known, refused, dropped (by reason) or still queued. */
  const accounted = (f: FastPathStats) => f.ingested + f.duplicates + f.rejected + Object.values(f.dropped).reduce((a, b) => a + b, 0) + f.queued;

  it('drops and counts a flood on the fast subjects at its bounds, and goes on ingesting', async () => {
    const rss = async (r: FleetReplica) => valueOf(await scrape(`${r.url}/metrics`), 'process_resident_memory_bytes') ?? 0;
    const rssBefore = await Promise.all(replicas.map(rss));
    // One robot far past its rate: at most its rate (and burst) per replica gets through, the rest is dropped unread.
    const t0 = Date.now();
    await flood(['flooder'], 100_000);
    const seconds = (Date.now() - t0) / 1000;
    robot.fail('AFTER_FLOOD', '/amr/motor', 2, 'a robot within its rate');
    await until(async () => ((await total(replicas[0], 'AFTER_FLOOD')) === 1 ? true : undefined), 'another robot\'s fault after the flood', 30_000);
    const written = (await db.query(`SELECT count(*)::int AS n FROM fleet_events WHERE robot_id = 'flooder'`)).rows[0].n as number;
    expect(written).toBeLessThanOrEqual(replicas.length * ROBOT_RATE * (seconds + 2));
    let hs = await Promise.all(replicas.map(health));
    expect(hs.reduce((n, h) => n + h['x-medkit-fleet'].fast_path.dropped.rate_limited, 0)).toBeGreaterThan(0);

    // Thousands of robots each within its rate while PostgreSQL is down: the queue stays at its bound.
    pgs.pause();
    try {
      const ids = Array.from({ length: 5000 }, (_, i) => `swarm-${i}`);
      const sampling = (async () => {
        const peaks = [0, 0];
        for (let i = 0; i < 20; i++) {
          const now = await Promise.all(replicas.map(health));
          now.forEach((h, k) => { peaks[k] = Math.max(peaks[k], h['x-medkit-fleet'].fast_path.queued); });
          await new Promise((r) => setTimeout(r, 100));
        }
        return peaks;
      })();
      // A replica that dies rejects the sampling while the flood is still being sent: it is reported by the await
      // below, not as an unhandled rejection that hides the replica's own failure.
      sampling.catch(() => undefined);
      await flood(ids, 10);
      const peaks = await sampling;
      expect(Math.max(...peaks)).toBeLessThanOrEqual(MAX_QUEUE);
      hs = await Promise.all(replicas.map(health));
      expect(hs.reduce((n, h) => n + h['x-medkit-fleet'].fast_path.dropped.queue_full, 0)).toBeGreaterThan(0);
    } finally {
      pgs.resume();
    }
    // The replicas' own NATS connections were not cut as slow consumers, and what each received adds up.
    hs = await Promise.all(replicas.map(health));
    for (const h of hs) {
      expect(h['x-medkit-fleet'].nats_connected).toBe(true);
      const f = h['x-medkit-fleet'].fast_path;
      expect(f.queued).toBeLessThanOrEqual(MAX_QUEUE);
      expect(accounted(f)).toBe(f.received);
    }
    // 150,000 messages, 50,000 of them valid envelopes that would be parsed and held without the bounds: memory stays.
    const rssAfter = await Promise.all(replicas.map(rss));
    rssAfter.forEach((after, k) => expect(after - rssBefore[k]).toBeLessThan(96 * 1024 * 1024));
    // Ingest goes on once the database is back.
    robot.fail('AFTER_SWARM', '/amr/motor', 2, 'after the swarm');
    await until(async () => ((await total(replicas[1], 'AFTER_SWARM')) === 1 ? true : undefined), 'a fault after the swarm', 60_000);
  });
});

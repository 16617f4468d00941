// The fleet's live view, as an operator relies on it (issue 22), on real servers: a 3-node nats-server JetStream
// cluster, PostgreSQL and two `medkit fleet` replicas. Events are published straight to the stream as a robot's
// outbox drain would (envelope v1, Nats-Msg-Id = event id), so thousands can be offered quickly.
// - steady load: nothing waits for redelivery (redeliveries counted on /health);
// - Last-Event-ID: a 10,000-event backlog replayed exactly once with the database down; a client moving to the
//   other replica after a SIGKILL sees every event exactly once; a resume point that cannot be honoured gets an
//   explicit x-medkit-resync event, never a silent gap;
// - /health is `degraded` with a named warning while the database is down and while JetStream lost its quorum.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { until } from '../../../test-support/gateway/faults-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { openSse, startFleetReplica, streamSeqOfId, type FleetReplica, type SseEventRead } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'live';
const STREAM = 'MEDKIT_LIVE';

interface Health {
  status: string;
  warnings: { code: string; message: string }[];
  'x-medkit-fleet': { ingest: { ingested: number; redelivered: number; consumer_redelivered: number; pending: number } | null };
}

async function health(r: FleetReplica): Promise<Health> {
  return (await fetch(`${r.url}/api/v1/health`)).json() as Promise<Health>;
}

/** occurrence_count carries the robot seq, so each received event names which published event it is. */
const seqOf = (e: SseEventRead) => (e.data as { fault: { occurrence_count: number } }).fault.occurrence_count;
const faultEvents = (events: SseEventRead[]) => events.filter((e) => e.event !== 'x-medkit-resync');

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet live view: gap-free resume, no redelivery stalls, honest health', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  const replicas: FleetReplica[] = [];
  let nextSeq = 1;

  /** One fault event of robot `rob-1` with this seq (also its occurrence_count), as its outbox drain publishes it. */
  function publishOne(client: JetStreamClient, seq: number) {
    const time = new Date().toISOString();
    const body = { event_type: 'fault_updated', fault_code: `LIVE_${seq % 50}`, severity: 2, status: 'CONFIRMED', description: 'live view', occurrence_count: seq, reporting_sources: ['/rob/motor'], first_occurred: time, last_occurred: time };
    const env = { v: 1, robot_id: 'rob-1', seq, event_id: `rob-1:${seq}`, time, kind: 'faults', body };
    return client.publish(`medkit.${FLEET}.rob-1.faults`, JSON.stringify(env), { msgID: env.event_id, timeout: 10_000 });
  }

  /** Publishes `n` fault events (next seqs), `parallel` in flight; returns their seqs. */
  async function publish(n: number, parallel = 200): Promise<number[]> {
    const seqs = Array.from({ length: n }, () => nextSeq++);
    for (let i = 0; i < seqs.length; i += parallel) await Promise.all(seqs.slice(i, i + parallel).map((seq) => publishOne(js, seq)));
    return seqs;
  }

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3), startPostgres()]);
    const set = ['fleet.stream.replicas=3', 'fleet.database.timeout_ms=1500', 'fleet.ingest.ack_wait_sec=5'];
    replicas.push(...(await Promise.all([0, 1].map(() => startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set })))));
    nc = await connect({ servers: nats.urls, timeout: 5000 });
    js = jetstream(nc);
    await until(async () => ((await health(replicas[0]))['x-medkit-fleet'].ingest ? true : undefined), 'ingest running', 30_000);
    await until(async () => ((await health(replicas[1]))['x-medkit-fleet'].ingest ? true : undefined), 'ingest running', 30_000);
  });

  afterAll(async () => {
    await nc?.close();
    for (const r of replicas) await r.kill('SIGKILL');
    await nats?.stop();
    pgs?.stop();
  });

  it('ingests a steady load with no event waiting for redelivery, and counts redeliveries on /health', async () => {
    // Twenty robots, each on its own connection reporting ten times a second for 15 s (3,000 events): the rate
    // at which the pulls of the former fetch loop left some events unwritten until ack_wait ran out.
    const robots = await Promise.all(Array.from({ length: 20 }, () => connect({ servers: nats.urls, timeout: 5000 })));
    try {
      await Promise.all(robots.map(async (rc, k) => {
        const rjs = jetstream(rc);
        await new Promise((r) => setTimeout(r, k * 5));
        for (let i = 0; i < 150; i++) {
          const t = Date.now();
          await publishOne(rjs, nextSeq++);
          await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t))));
        }
      }));
    } finally {
      await Promise.all(robots.map((rc) => rc.close()));
    }
    await until(async () => {
      const r = await fetch(`${replicas[0].url}/api/v1/faults?fault_code=LIVE_*&status=all`);
      const body = (await r.json()) as { 'x-medkit': { total: number } };
      const hs = await Promise.all(replicas.map(health));
      const ingested = hs.reduce((n, h) => n + (h['x-medkit-fleet'].ingest?.ingested ?? 0), 0);
      return body['x-medkit']?.total === 50 && ingested >= 3000 ? true : undefined;
    }, 'all 3,000 events ingested', 60_000);
    const hs = await Promise.all(replicas.map(health));
    for (const h of hs) {
      expect(h.status).toBe('healthy');
      expect(h['x-medkit-fleet'].ingest).toMatchObject({ redelivered: 0, consumer_redelivered: 0 });
    }
    expect(hs.reduce((n, h) => n + h['x-medkit-fleet'].ingest!.ingested, 0)).toBe(3000);
  });

  it('replays a 10,000-event backlog exactly once from the stream while the database is down, then goes on live', async () => {
    const first = await openSse(`${replicas[1].url}/api/v1/faults/stream`);
    await new Promise((r) => setTimeout(r, 500));
    const [mark] = await publish(1);
    const seen = await until(() => first.events.find((e) => seqOf(e) === mark), 'the mark event live', 20_000);
    await first.close();
    pgs.pause();
    try {
      const backlog = await publish(10_000);
      const degraded = await until(async () => {
        const h = await health(replicas[1]);
        return h.status === 'degraded' ? h : undefined;
      }, '/health degraded while the database is down', 30_000);
      expect(degraded.warnings.map((w) => w.code)).toContain('fleet_database_unavailable');
      const resumed = await openSse(`${replicas[1].url}/api/v1/faults/stream`, { 'last-event-id': seen.id! });
      await until(() => (resumed.events.length >= backlog.length ? true : undefined), 'the whole backlog replayed', 120_000);
      const live = await publish(5);
      await until(() => (resumed.events.length >= backlog.length + live.length ? true : undefined), 'live events after the replay', 30_000);
      await new Promise((r) => setTimeout(r, 500));
      await resumed.close();
      expect(resumed.events.some((e) => e.event === 'x-medkit-resync')).toBe(false);
      expect(resumed.events.map(seqOf)).toEqual([...backlog, ...live]);
      const ids = resumed.events.map((e) => Number(streamSeqOfId(e.id)));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
      expect(ids[0]).toBeGreaterThan(Number(streamSeqOfId(seen.id)));
    } finally {
      pgs.resume();
    }
    await until(async () => ((await health(replicas[1])).status === 'healthy' ? true : undefined), '/health healthy again', 60_000);
  });

  it('gives a client that moves to the other replica after a SIGKILL every event exactly once', async () => {
    const a = await openSse(`${replicas[0].url}/api/v1/faults/stream`);
    await new Promise((r) => setTimeout(r, 500));
    const published: number[] = [];
    const producing = (async () => {
      for (let i = 0; i < 20; i++) {
        published.push(...(await publish(100, 50)));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await until(() => (a.events.length >= 300 ? true : undefined), 'events on the first replica', 30_000);
    await replicas[0].kill('SIGKILL');
    await a.close();
    const lastId = a.events.at(-1)!.id!;
    const b = await openSse(`${replicas[1].url}/api/v1/faults/stream`, { 'last-event-id': lastId });
    await producing;
    await until(() => (a.events.length + b.events.length >= published.length ? true : undefined), 'every event on one replica or the other', 60_000);
    await new Promise((r) => setTimeout(r, 500));
    await b.close();
    expect(b.events.some((e) => e.event === 'x-medkit-resync')).toBe(false);
    expect([...a.events, ...b.events].map(seqOf)).toEqual(published);
    replicas[0] = await startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set: ['fleet.stream.replicas=3'] });
  });

  it('answers a resume point it cannot honour with x-medkit-resync first (never a silent gap), whose id resumes cleanly', async () => {
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(STREAM)).state;
    await publish(10);
    // Age out everything up to here, as the stream's max_age would.
    const keepFrom = (await jsm.streams.info(STREAM)).state.last_seq - 4;
    await jsm.streams.purge(STREAM, { seq: keepFrom });
    const cases: [string, string][] = [[String(before.last_seq - 1), 'expired'], ['abc', 'invalid-id'], ['1152921504606846976', 'invalid-id'], ['-1', 'invalid-id'], [String(keepFrom + 100_000), 'unknown-id'], ['x'.repeat(4000), 'invalid-id']];
    for (const [id, reason] of cases) {
      const s = await openSse(`${replicas[1].url}/api/v1/faults/stream`, { 'last-event-id': id });
      const resync = await until(() => s.events[0], `resync for ${id.slice(0, 20)}`, 20_000);
      await s.close();
      expect([id.slice(0, 20), resync.event]).toEqual([id.slice(0, 20), 'x-medkit-resync']);
      expect(resync.data).toMatchObject({ reason });
      expect(JSON.stringify(resync.data).length).toBeLessThan(1000);
      expect(Number(resync.id)).toBeGreaterThanOrEqual(keepFrom);
    }
    // The resync's id is a valid resume point: resuming from it gives what came after, and no resync.
    const s = await openSse(`${replicas[1].url}/api/v1/faults/stream`, { 'last-event-id': String(before.last_seq - 1) });
    const resync = await until(() => s.events[0], 'resync', 20_000);
    await s.close();
    const after = await publish(3);
    const again = await openSse(`${replicas[1].url}/api/v1/faults/stream`, { 'last-event-id': resync.id! });
    await until(() => (again.events.length >= 3 ? true : undefined), 'events after the resync point', 20_000);
    await again.close();
    expect(again.events.map((e) => e.event)).not.toContain('x-medkit-resync');
    expect(faultEvents(again.events).map(seqOf)).toEqual(after);
  });

  it('reports degraded with fleet_ingest_stalled while JetStream has lost its quorum, and recovers', async () => {
    await nats.kill(1);
    await nats.kill(2);
    try {
      const h = await until(async () => {
        const x = await health(replicas[1]);
        return x.warnings.some((w) => w.code === 'fleet_ingest_stalled') ? x : undefined;
      }, 'fleet_ingest_stalled on /health', 60_000);
      expect(h.status).toBe('degraded');
    } finally {
      await nats.restart(1);
      await nats.restart(2);
    }
    // JetStream answers publishes again once the stream has a leader.
    const [seq] = await until(() => publish(1).catch(() => { nextSeq--; return undefined; }), 'a publish accepted after the quorum returned', 60_000);
    await until(async () => {
      const x = await health(replicas[1]);
      const r = await fetch(`${replicas[1].url}/api/v1/faults?fault_code=LIVE_${seq % 50}&status=all`);
      const f = (await r.json()) as { items: { 'x-medkit': { occurrence_count: number } }[] };
      return x.status === 'healthy' && f.items[0]?.['x-medkit'].occurrence_count === seq ? true : undefined;
    }, 'healthy and ingesting after the quorum returned', 90_000);
  });
});

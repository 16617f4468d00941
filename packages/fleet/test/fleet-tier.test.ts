// The fleet tier end to end on real servers (docs/fleet.md–8): robot gateways publish through a 3-node
// nats-server JetStream cluster; two `medkit fleet` replicas share the durable consumer and write to a real
// PostgreSQL; one replica is SIGKILLed and the NATS node leading the ingest consumer killed under load, and every
// event is stored exactly once. Then the fleet API: cross-fleet fault query with filters and paging, the live SSE stream and its
// Last-Event-ID resume, robots as components, forwarding to a robot, and 503 while
// PostgreSQL is down.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { LOGS_SERVICE } from '@medkit/gateway';
import { openSse, startFleetReplica, streamSeqOfId, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';
import { samplesOf, scrape, valueOf } from '../../../test-support/prometheus.js';

const FLEET = 'tier';

async function getJson(url: string) {
  const res = await fetch(url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  return { status: res.status, body: (await res.json()) as any };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet tier: NATS JetStream → replicated fleet → PostgreSQL', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let db: pg.Pool;
  const replicas: FleetReplica[] = [];
  const robots: FaultGateway[] = [];

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3), startPostgres()]);
    db = new pg.Pool({ connectionString: pgs.url, max: 2 });
    db.on('error', () => undefined); // idle clients die when the test pauses PostgreSQL
    const set = ['fleet.ingest.ack_wait_sec=2', 'fleet.ingest.batch=64', 'fleet.stream.replicas=3', 'fleet.health_interval_sec=1', 'metrics.enabled=true'];
    replicas.push(...(await Promise.all([0, 1].map(() => startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set })))));
    for (const id of ['amr-a', 'amr-b']) {
      robots.push(await startRobotGateway({
        flags: { 'fleet.enabled': true, 'fleet.id': FLEET, 'fleet.robot_id': id, 'fleet.nats.servers': nats.urls, 'fleet.health_interval_sec': 1, 'fleet.stream.replicas': 3 },
      }));
    }
  });

  afterAll(async () => {
    for (const r of robots) await r.close();
    for (const r of replicas) await r.kill('SIGKILL');
    await db?.end();
    await nats?.stop();
    pgs?.stop();
  });

  it('stores every event exactly once while a replica is SIGKILLed and the ingest consumer\'s NATS node dies under load', async () => {
    await until(async () => ((await getJson(`${replicas[1].url}/api/v1/components`)).body.items?.length === 2 ? true : undefined), 'both robots known to the fleet', 30_000);
    // The NATS node to kill: the one leading the ingest consumer, so the surviving replica's session has to find
    // the consumer's new leader (the stream's leader may be the same node).
    // (Robots are known as soon as the fast path brings their first events: wait for the consumer's leader too.)
    const nc = await connect({ servers: nats.urls, timeout: 5000 });
    const leader = await until(() => jetstreamManager(nc, { timeout: 2000 }).then((jsm) => jsm.consumers.info(`MEDKIT_${FLEET.toUpperCase()}`, 'fleet-ingest')).then((c) => c.cluster?.leader, () => undefined), 'the ingest consumer\'s leader', 30_000).finally(() => nc.close());
    const victim = nats.nodes.findIndex((n) => n.name === leader);
    expect(victim).toBeGreaterThanOrEqual(0);
    const N = 150;
    for (let i = 0; i < N; i++) {
      for (const r of robots) r.fail(`LOAD_${String(i).padStart(3, '0')}`, '/amr/motor', 1 + (i % 3), `load ${i}`);
      if (i === 50) await replicas[0].kill('SIGKILL');
      if (i === 90) await nats.kill(victim);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    // What each robot's fault manager published = what must be in PostgreSQL, once each.
    const published = robots.map((r) => r.faults.system.manager.events.lastId);
    expect(published.every((n) => n >= N)).toBe(true);
    // Each with its JetStream copy ingested (the durable path; the fast path may have written the row first).
    const counts = await until(async () => {
      const res = await db.query(`SELECT robot_id, count(*)::int AS n, count(DISTINCT seq)::int AS seqs, count(stream_seq)::int AS durable FROM fleet_events WHERE kind = 'faults' GROUP BY robot_id ORDER BY robot_id`);
      const rows = res.rows as { robot_id: string; n: number; seqs: number; durable: number }[];
      return rows.length === 2 && rows.every((row, i) => row.durable >= published[i]) ? rows : undefined;
    }, 'every fault event in PostgreSQL from JetStream', 60_000);
    expect(counts.map((c) => c.n)).toEqual(published);
    expect(counts.map((c) => c.seqs)).toEqual(published);
    const ids = await db.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM fleet_events`);
    expect(ids.rows[0].n).toBe(ids.rows[0].d);
    // The state table holds every code once per robot, at its newest seq.
    const faults = await db.query(`SELECT robot_id, count(*)::int AS n FROM fleet_faults WHERE fault_code LIKE 'LOAD_%' GROUP BY robot_id ORDER BY robot_id`);
    expect(faults.rows.map((r) => r.n)).toEqual([N, N]);
    await nats.restart(victim);
  });

  it('exposes ingest metrics on /metrics: events ingested, redeliveries, ingest lag, robots online', async () => {
    // The surviving replica wrote most of the load above, and took over what the killed one held unacked: first from
    // the fast path mostly (JetStream's copies then only completing the rows), the rest from JetStream.
    const s = await scrape(`${replicas[1].url}/metrics`);
    const first = (valueOf(s, 'medkit_fleet_ingested_events_total') ?? 0) + (valueOf(s, 'medkit_fleet_fast_path_events_total', { outcome: 'ingested' }) ?? 0);
    expect(first).toBeGreaterThan(100);
    expect(valueOf(s, 'medkit_fleet_confirmed_events_total')).toBeGreaterThan(0);
    expect(valueOf(s, 'medkit_fleet_fast_path_events_total', { outcome: 'dropped_queue_full' })).toBe(0);
    expect(valueOf(s, 'medkit_fleet_redeliveries_total')).toBeGreaterThanOrEqual(0);
    const lagCount = valueOf(s, 'medkit_fleet_ingest_lag_seconds_count') ?? 0;
    expect(lagCount).toBeGreaterThan(100);
    expect(valueOf(s, 'medkit_fleet_ingest_lag_seconds_bucket', { le: '+Inf' })).toBe(lagCount);
    expect(valueOf(s, 'medkit_fleet_ingest_lag_seconds_sum')).toBeGreaterThan(0);
    expect(valueOf(s, 'medkit_fleet_robots', { state: 'online' })).toBe(2);
    expect(valueOf(s, 'medkit_fleet_pending_events')).toBeGreaterThanOrEqual(0);
    expect(valueOf(s, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samplesOf(s, 'medkit_http_requests_total', { route: '/api/v1/components' }).length).toBeGreaterThan(0);
  });

  it('refuses (terms and counts) hostile or unknown-version messages without blocking ingest', async () => {
    const nc = await connect({ servers: nats.urls, timeout: 5000 });
    try {
      const js = jetstream(nc);
      const good = { v: 1, robot_id: 'evil', seq: 1, event_id: 'evil:1', time: new Date().toISOString(), kind: 'faults' };
      const body = { event_type: 'fault_confirmed', fault_code: 'X', severity: 2, status: 'CONFIRMED', description: '', occurrence_count: 1, reporting_sources: [], first_occurred: good.time, last_occurred: good.time };
      const hostile = [
        { ...good, v: 2, body },
        { ...good, seq: 2, event_id: 'evil:2', body: { ...body, severity: 'loud' } },
        { ...good, seq: 3, event_id: 'evil:3', body: { ...body, occurrence_count: 2 ** 70 } },
        { ...good, seq: 4, event_id: 'wrong:4', body },
        { ...good, seq: 5, event_id: 'evil:5', kind: 'health', body: { interval_sec: 1, gateway_url: 'file:///etc/passwd' } },
        { ...good, seq: 6, event_id: 'evil:6', body: { ...body, first_occurred: '10000000-01-01T00:00:00Z' } },
        // Well formed, but another robot's: a publisher allowed only its own subjects must not speak for amr-a.
        { ...good, robot_id: 'amr-a', seq: 999_999_999, event_id: 'amr-a:999999999', body },
      ];
      for (const m of hostile) await js.publish(`medkit.${FLEET}.evil.faults`, JSON.stringify(m), { msgID: `h-${m.seq}-${m.v}` });
      await js.publish(`medkit.${FLEET}.evil.faults`, 'not json at all', { msgID: 'h-garbage' });
      robots[0].fail('AFTER_HOSTILE', '/amr/motor', 2, 'still ingesting');
      await until(async () => ((await getJson(`${replicas[1].url}/api/v1/faults?fault_code=AFTER_HOSTILE`)).body['x-medkit']?.total === 1 ? true : undefined), 'ingest continues', 30_000);
      // Its JetStream copy, stored after the hostile messages, ingested too (the fast path may have brought it first).
      await until(async () => ((await db.query(`SELECT 1 FROM fleet_events WHERE body->>'fault_code' = 'AFTER_HOSTILE' AND stream_seq IS NOT NULL`)).rowCount ? true : undefined), 'the JetStream ingest past the hostile messages', 30_000);
      const ingest = (await getJson(`${replicas[1].url}/api/v1/health`)).body['x-medkit-fleet'].ingest;
      expect(ingest.unknown_version).toBeGreaterThanOrEqual(1);
      expect(ingest.rejected).toBeGreaterThanOrEqual(7);
      expect((await db.query(`SELECT count(*)::int AS n FROM fleet_events WHERE robot_id = 'evil' OR event_id = 'amr-a:999999999'`)).rows[0].n).toBe(0);
    } finally {
      await nc.close();
    }
  });

  it('answers the cross-fleet fault query with filters, totals and paging; bad parameters are 400', async () => {
    const base = `${replicas[1].url}/api/v1`;
    const all = await getJson(`${base}/faults?fault_code=LOAD_*&status=all&limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body['x-medkit'].total).toBe(300);
    const robotA = await getJson(`${base}/faults?robot=amr-a&fault_code=LOAD_0?0&status=all`);
    expect(robotA.body.items.map((f: { code: string }) => f.code).sort()).toEqual(['LOAD_000', 'LOAD_010', 'LOAD_020', 'LOAD_030', 'LOAD_040', 'LOAD_050', 'LOAD_060', 'LOAD_070', 'LOAD_080', 'LOAD_090']);
    expect(robotA.body.items.every((f: { 'x-medkit': { robot_id: string } }) => f['x-medkit'].robot_id === 'amr-a')).toBe(true);
    const severe = await getJson(`${base}/faults?fault_code=LOAD_*&status=all&severity=critical&limit=1000`);
    expect(severe.body['x-medkit'].total).toBe(100);
    expect(severe.body.items.every((f: { severity: number }) => f.severity === 3)).toBe(true);
    const future = await getJson(`${base}/faults?status=all&since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.body['x-medkit'].total).toBe(0);
    // Paging: 7 pages of up to 47 give each fault once.
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await getJson(`${base}/faults?fault_code=LOAD_*&status=all&limit=47${cursor ? `&cursor=${cursor}` : ''}`);
      for (const f of page.body.items) seen.add(`${f['x-medkit'].robot_id}/${f.code}`);
      cursor = page.body['x-medkit'].next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(7);
    expect(seen.size).toBe(300);
    for (const bad of ['limit=0', 'limit=abc', 'cursor=%2F%2F', 'since=yesterday', 'since=-271821-04-20T00:00:00Z', 'until=275760-09-13T00:00:00Z', 'limit=true', 'severity=loud', 'status=weird', 'robot=..%2Fx', `fault_code=${'x'.repeat(300)}`]) {
      const r = await getJson(`${base}/faults?${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
      expect(r.body.error_code).toBe('invalid-parameter');
    }
    const one = await getJson(`${base}/components/amr-b/faults/LOAD_007`);
    expect(one.body.item.code).toBe('LOAD_007');
    expect((await getJson(`${base}/components/amr-b/faults/NOPE`)).status).toBe(404);
    expect((await getJson(`${base}/components/ghost/faults`)).status).toBe(404);
  });

  it('relays an acknowledgement made on a robot to the fleet\'s fault list (who, when, the note)', async () => {
    // replicas[0] was SIGKILLed above; replicas[1] serves.
    const ack = await fetch(`${robots[0].url}/api/v1/faults/LOAD_000/acknowledgement`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-client-id': 'night-shift' }, body: JSON.stringify({ note: 'known load test' }),
    });
    expect(ack.status).toBe(200);
    const relayed = await until(async () => {
      const r = await getJson(`${replicas[1].url}/api/v1/components/amr-a/faults?fault_code=LOAD_000&status=all`);
      return r.body.items?.[0]?.['x-medkit']?.acknowledgement;
    }, 'the acknowledgement in the fleet', 20_000);
    expect(relayed).toMatchObject({ acknowledged_by: 'night-shift', note: 'known load test' });
    expect(Date.parse(relayed.acknowledged_at)).toBeGreaterThan(0);
  });

  it('lists robots as components (online from heartbeats) with their own trees, and forwards live requests to a robot', async () => {
    const base = `${replicas[1].url}/api/v1`;
    const comps = await getJson(`${base}/components`);
    expect(comps.body.items.map((c: { id: string }) => c.id)).toEqual(['amr-a', 'amr-b']);
    expect(comps.body.items.every((c: { 'x-medkit': { online: boolean } }) => c['x-medkit'].online)).toBe(true);
    const apps = await getJson(`${base}/components/amr-a/hosts`);
    expect(apps.body.items.length).toBeGreaterThan(0);
    const app = apps.body.items[0];
    expect(app.id.startsWith('amr-a__')).toBe(true);
    const local = await fetch(`${robots[0].url}/api/v1/apps/${app['x-medkit'].robot_entity_id}/data`);
    const forwarded = await fetch(`${base}/components/amr-a/apps/${app.id}/data`);
    expect(forwarded.status).toBe(local.status);
    expect(await forwarded.json()).toEqual(await local.json());
    const foreign = await getJson(`${base}/components/amr-a/apps/amr-b__x/data`);
    expect(foreign.status).toBe(404);
  });

  it('receives WARN-and-above log entries of a robot as logs events (docs/fleet.md) and serves them per robot', async () => {
    const base = `${replicas[1].url}/api/v1`;
    const logs = robots[0].gateway.ctx.services.get(LOGS_SERVICE);
    logs.add('amr_motor', 'info', 'routine: not sent');
    logs.add('amr_motor', 'error', 'motor winding over temperature');
    logs.add('amr_motor', 'warning', 'x'.repeat(5000));
    const got = await until(async () => {
      const r = await getJson(`${base}/components/amr-a/logs`);
      return r.body.items?.length >= 2 ? r.body : undefined;
    }, 'robot logs in the fleet', 30_000);
    expect(got.items.map((l: { message: string }) => l.message)).not.toContain('routine: not sent');
    const [long, hot] = got.items;
    expect(hot).toMatchObject({ severity: 'error', message: 'motor winding over temperature', context: { node: 'amr_motor' }, 'x-medkit': { robot_id: 'amr-a' } });
    expect(long.message).toHaveLength(2048);
    expect(long['x-medkit'].truncated).toBe(true);
    expect((await getJson(`${base}/components/amr-b/logs`)).body.items).toEqual([]);
    const page = await getJson(`${base}/components/amr-a/logs?limit=1`);
    expect(page.body.items).toHaveLength(1);
    const next = await getJson(`${base}/components/amr-a/logs?limit=1&before=${page.body['x-medkit'].next_before}`);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    for (const bad of ['limit=0', 'limit=abc', 'before=-1', `before=${'9'.repeat(40)}`]) expect((await getJson(`${base}/components/amr-a/logs?${bad}`)).status, bad).toBe(400);
    expect((await getJson(`${base}/components/ghost/logs`)).status).toBe(404);
  });

  it('streams new faults live with the robot in each event, and resumes with Last-Event-ID', async () => {
    const base = `${replicas[1].url}/api/v1`;
    const sse = await openSse(`${base}/faults/stream`);
    expect(sse.status).toBe(200);
    // The live consumer starts from "now": wait until it is attached before reporting.
    const code = (e: { data: unknown }) => (e.data as { fault: { fault_code: string } }).fault.fault_code;
    robots[1].fail('LIVE_ONE', '/amr/lidar', 3, 'protective stop');
    const ev = await until(() => sse.events.find((e) => code(e) === 'LIVE_ONE'), 'live event', 20_000);
    expect(ev.event).toBe('fault_confirmed');
    expect((ev.data as { robot_id: string }).robot_id).toBe('amr-b');
    // Its SSE id is its stream sequence: on the event, or (the fast path was first) on the bare id frame that follows.
    const streamSeqOf = (c: string) => until(async () => (await db.query(`SELECT stream_seq FROM fleet_events WHERE body->>'fault_code' = $1 AND stream_seq IS NOT NULL`, [c])).rows[0]?.stream_seq as string | undefined, `${c} stored from the stream`, 30_000);
    const one = await streamSeqOf('LIVE_ONE');
    await until(() => (streamSeqOfId(ev.id) === one || sse.bareIds.some((b) => streamSeqOfId(b) === one) ? true : undefined), 'the live client given LIVE_ONE\'s stream id', 20_000);
    robots[0].fail('LIVE_TWO', '/amr/lidar', 2, 'second');
    await until(() => sse.events.find((e) => code(e) === 'LIVE_TWO'), 'second live event', 20_000);
    await sse.close();
    // Each event once on the live stream, whichever path brought it first.
    expect(sse.events.filter((e) => ['LIVE_ONE', 'LIVE_TWO'].includes(code(e))).map(code)).toEqual(['LIVE_ONE', 'LIVE_TWO']);
    // Resume after LIVE_ONE: LIVE_TWO is replayed.
    const two = await streamSeqOf('LIVE_TWO');
    const resumed = await openSse(`${base}/faults/stream`, { 'last-event-id': one });
    const again = await until(() => resumed.events.find((e) => code(e) === 'LIVE_TWO'), 'replayed event', 20_000);
    expect(streamSeqOfId(again.id)).toBe(two);
    // Nothing at or before the resume point again (a later LIVE_ONE update would be a new event, with a new id).
    expect(resumed.events.every((e) => e.id === undefined || Number(streamSeqOfId(e.id)) > Number(one))).toBe(true);
    expect(resumed.events.map(code)).not.toContain('LIVE_ONE');
    await resumed.close();
  });

  it('answers 503 while PostgreSQL is down, holds the backlog unacked, and catches up when it returns', async () => {
    const base = `${replicas[1].url}/api/v1`;
    pgs.pause();
    try {
      const r = await getJson(`${base}/faults`);
      expect(r.status).toBe(503);
      expect(r.body.error_code).toBe('service-unavailable');
      for (let i = 0; i < 5; i++) robots[0].fail(`PGDOWN_${i}`, '/amr/motor', 2, 'db down');
      const health = await getJson(`${replicas[1].url}/api/v1/health`);
      expect(health.body.warnings.map((w: { code: string }) => w.code)).toContain('fleet_database_unavailable');
    } finally {
      pgs.resume();
    }
    const back = await until(async () => {
      const r = await getJson(`${base}/faults?fault_code=PGDOWN_*`);
      return r.status === 200 && r.body['x-medkit'].total === 5 ? r : undefined;
    }, 'ingest resumed after PostgreSQL returned', 60_000);
    expect(back.body.items).toHaveLength(5);
  });
});

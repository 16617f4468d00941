// What the fleet says about its broker and its robots when the broker cannot tell it directly, on real servers: a
// 3-node nats-server JetStream cluster with `no_advertise: true` (as behind NAT or a load balancer: the servers'
// INFO lists no other nodes), PostgreSQL and a `medkit fleet` replica.
// - the fleet stream is created with three replicas although no node advertises the others;
// - a stream with fewer replicas than intended is a named /health warning, gone once the stream is raised;
// - a robot not heard from within its offline window is offline, whatever keeps its events away: copies of its old
//   events arriving again (a redelivery, a republish) do not count, nor does a JetStream that lost its quorum; a
//   robot whose events still reach the fleet by the fast path (core NATS, no quorum needed) stays online.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { ensureFleetStream } from '@medkit/fleet-protocol';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'hidden';
const STREAM = 'MEDKIT_HIDDEN';

interface Health {
  status: string;
  warnings: { code: string; message: string }[];
  'x-medkit-fleet': {
    robots: { online: number; offline: number } | null;
    ingest: { duplicates: number } | null;
    stream_replicas: { replicas: number; intended: number; current: number } | null;
  };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet health behind no_advertise: stream replicas and robot liveness', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let db: pg.Pool;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let fleet: FleetReplica;
  const robots: FaultGateway[] = [];

  const health = async (): Promise<Health> => (await fetch(`${fleet.url}/api/v1/health`)).json() as Promise<Health>;
  const robotState = async (id: string): Promise<{ online: boolean; last_seen: string } | undefined> => {
    const body = (await (await fetch(`${fleet.url}/api/v1/components`)).json()) as { items: { id: string; 'x-medkit': { online: boolean; last_seen: string } }[] };
    return body.items.find((c) => c.id === id)?.['x-medkit'];
  };
  const online = async (id: string): Promise<boolean | undefined> => (await robotState(id))?.online;
  /** The JetStream API, once the cluster has elected its meta leader. */
  const jsm = () => until(async () => jetstreamManager(nc, { timeout: 2000 }).catch(() => undefined), 'the JetStream API', 30_000);

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3, { clusterConfig: 'no_advertise: true' }), startPostgres()]);
    db = new pg.Pool({ connectionString: pgs.url, max: 2 });
    nc = await connect({ servers: nats.urls, timeout: 5000 });
    js = jetstream(nc);
  });

  afterAll(async () => {
    for (const r of robots) await r.close();
    await fleet?.kill('SIGKILL');
    await nc?.close().catch(() => undefined);
    await db?.end();
    await nats?.stop();
    pgs?.stop();
  });

  it('creates the fleet stream with three replicas although the servers advertise no other node', async () => {
    // What the servers tell a client: a cluster, and no URL of another node.
    expect(nc.info?.cluster).toBe('medkit-test');
    expect(nc.info?.connect_urls ?? []).toEqual([]);
    const m = await jsm();
    const name = await until(() => ensureFleetStream(nc, 'placed', { maxAgeSec: 3600, maxBytes: -1, duplicateWindowSec: 120, replicas: 0 }).catch(() => undefined), 'the stream created', 30_000);
    expect((await m.streams.info(name)).config.num_replicas).toBe(3);
  });

  it('warns fleet_stream_under_replicated for a stream with fewer replicas than intended, and stops once it is raised', async () => {
    // A stream made before (by the former code, which read the cluster size from connect_urls, or by hand) with one.
    const m = await jsm();
    await until(() => m.streams.add({ name: STREAM, subjects: [`medkit.${FLEET}.>`], num_replicas: 1, duplicate_window: 120 * 1e9 }).catch(() => undefined), 'an R1 stream', 30_000);
    fleet = await startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set: ['fleet.ingest.ack_wait_sec=2'] });
    const h = await until(async () => {
      const x = await health();
      return x.warnings.some((w) => w.code === 'fleet_stream_under_replicated') ? x : undefined;
    }, 'the under-replicated warning', 30_000);
    expect(h['x-medkit-fleet'].stream_replicas).toMatchObject({ replicas: 1, intended: 3 });
    expect(h.warnings.find((w) => w.code === 'fleet_stream_under_replicated')!.message).toContain(`nats stream edit ${STREAM} --replicas 3`);
    // The replica can do its job: the warning alone does not make it degraded (a load balancer keeps it).
    expect(h.warnings.map((w) => w.code)).toEqual(['fleet_stream_under_replicated']);
    expect(h.status).toBe('healthy');
    // The operator raises it: the warning goes.
    const info = await m.streams.info(STREAM);
    await m.streams.update(STREAM, { ...info.config, num_replicas: 3 });
    const fixed = await until(async () => {
      const x = await health();
      return x['x-medkit-fleet'].stream_replicas?.replicas === 3 && !x.warnings.some((w) => w.code === 'fleet_stream_under_replicated') ? x : undefined;
    }, 'the warning gone after the stream was raised to three', 30_000);
    expect(fixed['x-medkit-fleet'].stream_replicas).toMatchObject({ replicas: 3, intended: 3 });
  });

  it('shows a silent robot offline after its window, even while copies of its old events keep arriving', async () => {
    const robot = await startRobotGateway({ flags: { 'fleet.enabled': true, 'fleet.id': FLEET, 'fleet.robot_id': 'amr-quiet', 'fleet.nats.servers': nats.urls, 'fleet.health_interval_sec': 1 } });
    robots.push(robot);
    await until(async () => ((await online('amr-quiet')) === true ? true : undefined), 'amr-quiet online', 30_000);
    // The robot stops; its last heartbeat keeps reaching the fleet again, as a redelivery (a replica died before
    // acking it) or a republish past the duplicate window would bring it: an event the fleet already holds.
    await robot.close();
    robots.splice(robots.indexOf(robot), 1);
    const last = await until(async () => (await db.query(`SELECT event_id, robot_id, seq, robot_time, body FROM fleet_events WHERE robot_id = 'amr-quiet' AND kind = 'health' ORDER BY seq DESC LIMIT 1`)).rows[0], 'the last heartbeat stored', 10_000);
    const copy = JSON.stringify({ v: 1, robot_id: last.robot_id, seq: Number(last.seq), event_id: last.event_id, time: (last.robot_time as Date).toISOString(), kind: 'health', body: last.body });
    let copies = 0;
    const again = setInterval(() => void js.publish(`medkit.${FLEET}.amr-quiet.health`, copy, { msgID: `${last.event_id}/again-${copies++}`, timeout: 2000 }).catch(() => undefined), 300);
    try {
      await until(async () => ((await online('amr-quiet')) === false ? true : undefined), 'amr-quiet offline while copies of its heartbeat arrive', 30_000);
      // The copies did reach the fleet (counted as duplicates), they just do not make the robot look alive.
      await until(async () => (((await health())['x-medkit-fleet'].ingest?.duplicates ?? 0) > 0 ? true : undefined), 'the copies ingested as duplicates', 30_000);
      expect(await online('amr-quiet')).toBe(false);
    } finally {
      clearInterval(again);
    }
  });

  it('shows a robot offline after its window while JetStream has lost its quorum, one on the fast path online, and both online once it returns', async () => {
    const flags = { 'fleet.enabled': true, 'fleet.id': FLEET, 'fleet.nats.servers': nats.urls, 'fleet.health_interval_sec': 1 };
    const robot = await startRobotGateway({ flags: { ...flags, 'fleet.robot_id': 'amr-cut', 'fleet.fast_path.enabled': false } });
    robots.push(robot);
    const fast = await startRobotGateway({ flags: { ...flags, 'fleet.robot_id': 'amr-fast' } });
    robots.push(fast);
    await until(async () => ((await online('amr-cut')) === true && (await online('amr-fast')) === true ? true : undefined), 'amr-cut and amr-fast online', 30_000);
    // Two nodes of three die: the robots keep running and heartbeating into their outboxes, but JetStream stores
    // nothing. The third node still routes core NATS: amr-fast's heartbeats reach the fleet by the fast path.
    await nats.kill(1);
    await nats.kill(2);
    // JetStream can store nothing from here on: whatever the fleet hears after this, it heard by the fast path.
    const cutOff = Date.now();
    try {
      await until(async () => ((await online('amr-cut')) === false ? true : undefined), 'amr-cut offline without a quorum', 60_000);
      // amr-fast is online on a heartbeat heard after the cut-off (not on one JetStream stored before it, which
      // keeps it online for up to 3 s). Polled, not read once: a 1 s heartbeat against a 3 s window can miss a beat on
      // a loaded machine, or while its connection (or the replica's) moves to the surviving node. Without the fast
      // path nothing is heard after the cut-off, and this times out.
      let last: unknown;
      await until(async () => {
        const h = await health();
        const [cut, fast] = [await robotState('amr-cut'), await robotState('amr-fast')];
        last = { robots: h['x-medkit-fleet'].robots, cut, fast, cutOff: new Date(cutOff).toISOString() };
        const fastHeard = fast?.online === true && Date.parse(fast.last_seen) > cutOff;
        return h['x-medkit-fleet'].robots?.online === 1 && cut?.online === false && fastHeard ? true : undefined;
      }, 'amr-fast online by the fast path and amr-cut offline, while JetStream has no quorum', 30_000).catch((err: Error) => {
        throw new Error(`${err.message}; last seen ${JSON.stringify(last)}`);
      });
    } finally {
      await nats.restart(1);
      await nats.restart(2);
    }
    // Its outbox drains once the stream has a leader again: heard from, online.
    await until(async () => ((await online('amr-cut')) === true && (await online('amr-fast')) === true ? true : undefined), 'amr-cut and amr-fast online after the quorum returned', 90_000);
  });
});

// Issue 42: a client whose fleet replica dies while JetStream elects a new stream leader resumes on the other replica
// and ends with every event once, each robot's in order. Real servers: a 3-node nats-server JetStream cluster,
// PostgreSQL, two `medkit fleet` replicas; robots publish each fault event on the fast path at once and into the
// stream through an ordered outbox that retries until JetStream stores it (as fleet-link does). The client is
// @medkit/client's fleet stream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createMedkitClient, FleetEventOrder, fleetEventPosition, type FleetStreamEvent } from '@medkit/client';
import { fastSubjectFor } from '@medkit/fleet-protocol';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { until } from '../../../test-support/gateway/faults-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'elect';
const STREAM = 'MEDKIT_ELECT';
const ROBOTS = ['amr-1', 'amr-2', 'amr-3', 'amr-4', 'amr-5'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A robot: a fault event every 100 ms, on the fast path at once and into the stream in order, retried until stored. */
function startRobot(nc: NatsConnection, robot: string) {
  const js = jetstream(nc, { timeout: 2000 });
  const outbox: string[] = [];
  let seq = 0;
  let producing = true;
  const produce = (async () => {
    while (producing) {
      seq++;
      const time = new Date().toISOString();
      const body = { event_type: 'fault_updated', fault_code: `ELECT_${seq % 7}`, severity: 2, status: 'CONFIRMED', description: 'election', occurrence_count: seq, reporting_sources: ['/amr/motor'], first_occurred: time, last_occurred: time };
      // prev_seq as fleet-link sends it (its previous fault event): a replica sees a fast-path message lost unseen.
      const env = JSON.stringify({ v: 1, robot_id: robot, seq, event_id: `${robot}:${seq}`, time, kind: 'faults', ...(seq > 1 ? { prev_seq: seq - 1 } : {}), body });
      nc.publish(fastSubjectFor(FLEET, robot, 'faults'), env);
      outbox.push(env);
      await sleep(100);
    }
  })();
  const drain = (async () => {
    let next = 1;
    while (producing || outbox.length > 0) {
      const env = outbox[0];
      if (!env) {
        await sleep(20);
        continue;
      }
      try {
        await js.publish(`medkit.${FLEET}.${robot}.faults`, env, { msgID: `${robot}:${next}` });
        outbox.shift();
        next++;
      } catch {
        await sleep(200);
      }
    }
  })();
  return {
    get sent() {
      return seq;
    },
    async stop() {
      producing = false;
      await produce;
      await drain;
    },
  };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet stream: a resume during a stream-leader election', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let nc: NatsConnection;
  const replicas: FleetReplica[] = [];

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3), startPostgres()]);
    const set = ['fleet.stream.replicas=3', 'fleet.ingest.ack_wait_sec=5'];
    replicas.push(...(await Promise.all([0, 1].map(() => startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set })))));
    nc = await connect({ servers: nats.urls, timeout: 5000 });
    for (const r of replicas) {
      await until(async () => ((await (await fetch(`${r.url}/api/v1/health`)).json()) as { 'x-medkit-fleet': { ingest: unknown } })['x-medkit-fleet'].ingest ? true : undefined, 'ingest running', 60_000);
    }
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    for (const r of replicas) await r.kill('SIGKILL');
    await nats?.stop();
    pgs?.stop();
  });

  it('gives the client every event once and in each robot\'s order when its replica is SIGKILLed 2 s into the election', async () => {
    const order = new FleetEventOrder();
    const got = new Map<string, number[]>(ROBOTS.map((r) => [r, []]));
    const resyncs: FleetStreamEvent[] = [];
    const onEvent = (e: FleetStreamEvent) => {
      if (e.kind === 'resync') return void resyncs.push(e);
      const p = fleetEventPosition(e.event)!;
      got.get(p.robot)!.push(p.seq);
    };
    const first = createMedkitClient({ baseUrl: replicas[0].url }).fleetFaultStream({ onEvent }, {}, order);
    await sleep(1000);
    const robotConns = await Promise.all(ROBOTS.map(() => connect({ servers: nats.urls, timeout: 5000, maxReconnectAttempts: -1 })));
    const robots = ROBOTS.map((r, i) => startRobot(robotConns[i], r));
    let second: ReturnType<ReturnType<typeof createMedkitClient>['fleetFaultStream']> | undefined;
    try {
      await until(() => ([...got.values()].every((s) => s.length >= 20) ? true : undefined), 'events on the first replica', 30_000);
      // The stream's leader dies: JetStream elects another (seconds). 2 s into it, the client's replica dies too.
      const leader = (await (await jetstreamManager(nc, { timeout: 5000 })).streams.info(STREAM)).cluster!.leader!;
      const leaderIndex = nats.nodes.findIndex((n) => n.name === leader);
      await nats.kill(leaderIndex);
      await sleep(2000);
      await replicas[0].kill('SIGKILL');
      const resumeFrom = first.lastEventId;
      first.close();
      expect(resumeFrom).toMatch(/^\d+(\.[A-Za-z0-9_-]+\.\d+)?$/);
      // The client moves to the other replica with its resume point and what it has seen.
      second = createMedkitClient({ baseUrl: replicas[1].url }).fleetFaultStream({ onEvent }, { lastEventId: resumeFrom }, order);
      await sleep(5000);
      await nats.restart(leaderIndex);
      await sleep(2000);
    } finally {
      await Promise.all(robots.map((r) => r.stop()));
    }
    const sent = new Map(ROBOTS.map((r, i) => [r, robots[i].sent]));
    await until(() => (ROBOTS.every((r) => got.get(r)!.at(-1) === sent.get(r)) ? true : undefined), 'every robot\'s last event at the client', 90_000);
    await sleep(1000);
    second?.close();
    await Promise.all(robotConns.map((c) => c.close()));
    expect(resyncs).toEqual([]);
    for (const r of ROBOTS) {
      // Every event once, in order: exactly 1..n (the stream was opened before the robots started).
      expect(got.get(r), r).toEqual(Array.from({ length: sent.get(r)! }, (_, i) => i + 1));
    }
    // What the resume brought again (events the client had from the fast path) was recognised and dropped.
    console.log(`fleet-resume-election: ${[...sent.values()].reduce((a, b) => a + b, 0)} events, ${order.dropped} repeats dropped by the client`);
  });
});

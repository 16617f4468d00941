// Issue 42: what a fleet replica's /health says while its NATS cluster has lost its quorum (45 s), and how soon it says all is
// well again. Real servers: a 3-node nats-server JetStream cluster (2 nodes stopped, then started again), PostgreSQL
// and a `medkit fleet` replica; robots send heartbeats (30 s interval, so a robot stays "online" by its window
// through the whole loss) into the stream through an outbox that retries until JetStream stores them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { until } from '../../../test-support/gateway/faults-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'quorum';
const ROBOTS = ['amr-1', 'amr-2', 'amr-3', 'amr-4'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Health {
  status: string;
  warnings: { code: string; message: string }[];
  'x-medkit-fleet': {
    robots: { online: number; offline: number; unknown: number; unheard_since: string | null } | null;
    stream_replicas: { replicas: number; intended: number; current: number; leader: string | null; error?: string } | null;
  };
}

/** Heartbeats of one robot every second, into the stream in order; one that JetStream does not store is sent again. */
function heartbeats(nc: NatsConnection, robot: string) {
  const js = jetstream(nc, { timeout: 2000 });
  let on = true;
  let seq = 0;
  const loop = (async () => {
    while (on) {
      seq++;
      const env = JSON.stringify({ v: 1, robot_id: robot, seq, event_id: `${robot}:${seq}`, time: new Date().toISOString(), kind: 'health', body: { status: 'healthy', warnings: [], fault_count: 0, interval_sec: 30, outbox: { pending: 0, dropped: 0 } } });
      while (on) {
        try {
          await js.publish(`medkit.${FLEET}.${robot}.health`, env, { msgID: `${robot}:${seq}` });
          break;
        } catch {
          await sleep(200);
        }
      }
      await sleep(1000);
    }
  })();
  return { stop: async () => { on = false; await loop; } };
}

/** medkit_fleet_robots by state, from a /metrics text. */
function robotGauge(text: string): Record<string, number> {
  return Object.fromEntries([...text.matchAll(/^medkit_fleet_robots\{state="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet /health through a loss of NATS quorum', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let fleet: FleetReplica;
  let nc: NatsConnection;
  const health = async (): Promise<Health> => (await fetch(`${fleet.url}/api/v1/health`)).json() as Promise<Health>;

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(3), startPostgres()]);
    fleet = await startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set: ['fleet.stream.replicas=3', 'fleet.fast_path.enabled=false', 'metrics.enabled=true'] });
    nc = await connect({ servers: nats.urls, timeout: 5000, maxReconnectAttempts: -1 });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await fleet?.kill('SIGKILL');
    await nats?.stop();
    pgs?.stop();
  });

  it('says the robots are unknown and the stream has no current replica while the quorum is lost, and clears within seconds of its return', async () => {
    const robots = ROBOTS.map((r) => heartbeats(nc, r));
    try {
      await until(async () => {
        const h = await health();
        return h.status === 'healthy' && h['x-medkit-fleet'].robots?.online === ROBOTS.length && h['x-medkit-fleet'].stream_replicas?.current === 3 ? true : undefined;
      }, 'every robot online and three current replicas', 60_000);

      await nats.kill(1);
      await nats.kill(2);
      const cutAt = Date.now();
      const lost = await until(async () => {
        const h = await health();
        return h['x-medkit-fleet'].robots?.unknown === ROBOTS.length && h['x-medkit-fleet'].stream_replicas?.current === 0 ? h : undefined;
      }, 'robots unknown and no current replica on /health', 60_000);
      // Within their 90 s window the robots would count as online: the fleet says it does not know.
      expect(lost['x-medkit-fleet'].robots).toMatchObject({ online: 0, offline: 0, unknown: ROBOTS.length });
      expect(lost['x-medkit-fleet'].robots?.unheard_since).toEqual(expect.any(String));
      expect(lost['x-medkit-fleet'].stream_replicas).toMatchObject({ replicas: 3, current: 0, leader: null });
      expect(lost.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['fleet_robots_unheard', 'fleet_stream_no_leader']));
      // /metrics says the same.
      expect(robotGauge(await (await fetch(`${fleet.url}/metrics`)).text())).toEqual({ online: 0, offline: 0, unknown: ROBOTS.length });
      // Long enough for ingest to count as stalled: the replica is degraded.
      await until(async () => ((await health()).status === 'degraded' ? true : undefined), 'degraded while the quorum is lost', 60_000);
      // A loss as long as the one measured in issue 42 (45 s): ingest sessions and checks have failed many times over.
      await sleep(Math.max(0, 45_000 - (Date.now() - cutAt)));
    } finally {
      await nats.restart(1);
      await nats.restart(2);
    }
    try {
      // JetStream stores again: from then on, /health has seconds (one check period, 5 s, and the ingest's restart) to say so.
      await until(() => jetstream(nc, { timeout: 2000 }).publish(`medkit.${FLEET}.probe.health`, 'x').then(() => true, () => undefined), 'JetStream storing again', 90_000);
      const back = Date.now();
      // A deadline, not a timing claim: on a loaded 2-core box the replicas took over 15 s to catch up (a run of 2026-11-26).
      const h = await until(async () => {
        const x = await health();
        const f = x['x-medkit-fleet'];
        // Clear means all of it in one answer: a consumer check that times out while the cluster settles marks the
        // robots unheard again (by design) until the next one answers.
        const clear = x.status === 'healthy' && x.warnings.length === 0 && f.robots?.online === ROBOTS.length && f.robots.unknown === 0 && f.robots.unheard_since === null;
        return clear && f.stream_replicas?.current === 3 ? x : undefined;
      }, 'healthy, no warning, every robot online and heard, three current replicas after the quorum returned', 45_000);
      console.log(`fleet-quorum-health: /health clear ${Date.now() - back} ms after JetStream stored again`);
      expect(h.warnings).toEqual([]);
      expect(h['x-medkit-fleet'].robots?.unheard_since).toBeNull();
      expect(robotGauge(await (await fetch(`${fleet.url}/metrics`)).text())).toEqual({ online: ROBOTS.length, offline: 0, unknown: 0 });
    } finally {
      await Promise.all(robots.map((r) => r.stop()));
    }
    // The outage alone is held 45 s; its waits add up to minutes on a loaded machine (it took 77 s beside other suites).
  }, 300_000);
});

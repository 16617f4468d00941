// The fast path under NATS authorisation (docs/fleet.md "The fast path"), on a real nats-server whose users may
// publish and subscribe only where their permissions say, PostgreSQL, two `medkit fleet` replicas and two robots:
// - a robot allowed its fast subjects publishes on them; one that is not is refused by the server, pauses its fast
//   path and delivers everything by JetStream;
// - a robot allowed only its own subjects cannot speak for another robot on them (the envelope must be the subject's);
// - a replica refused the fast subscription warns `fleet_fast_path_refused`, stays healthy and ingests by JetStream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { fastSubjectFor } from '@medkit/fleet-protocol';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'auth';

/** What each robot may do, as docs/fleet.md tells a deployment to grant it: its own subjects, the JetStream API, its inboxes. */
const robotUser = (id: string, fast: boolean) => `{ user: "${id}", password: "pw-${id}", permissions: {
  publish: { allow: ["medkit.${FLEET}.${id}.>", ${fast ? `"medkit-fast.${FLEET}.${id}.>", ` : ''}"$JS.API.>"] },
  subscribe: { allow: ["_INBOX.>"] } } }`;
/** Replicas: the JetStream API and acks, their inboxes, and (one of them) the fleet's fast-path subjects. */
const AUTH = `authorization { users = [
  ${robotUser('amr-ok', true)},
  ${robotUser('amr-nofast', false)},
  { user: "fleet", password: "pw-fleet", permissions: { publish: { allow: ["$JS.>"] }, subscribe: { allow: ["_INBOX.>", "medkit-fast.${FLEET}.>"] } } },
  { user: "fleet-nofast", password: "pw-fleet-nofast", permissions: { publish: { allow: ["$JS.>"] }, subscribe: { allow: ["_INBOX.>"] } } }
] }`;

/** /health of a replica, and of a robot gateway (its link's state under the same key). */
interface Health {
  status: string;
  warnings: { code: string }[];
  'x-medkit-fleet': { fast_path: { subscribed: boolean; ingested: number; rejected: number } };
}
interface RobotHealth {
  'x-medkit-fleet': { fast_path: { published: number; denied: number } };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet fast path under NATS permissions', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let db: pg.Pool;
  const replicas: FleetReplica[] = [];
  const robots: Record<string, FaultGateway> = {};

  const health = async (url: string): Promise<Health> => (await fetch(`${url}/api/v1/health`)).json() as Promise<Health>;
  const robotHealth = async (id: string): Promise<RobotHealth> => (await fetch(`${robots[id].url}/api/v1/health`)).json() as Promise<RobotHealth>;
  const total = async (r: FleetReplica, code: string): Promise<number> => {
    const body = (await (await fetch(`${r.url}/api/v1/faults?fault_code=${code}&status=all`)).json()) as { 'x-medkit'?: { total: number } };
    return body['x-medkit']?.total ?? -1;
  };

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(1, { extraConfig: AUTH }), startPostgres()]);
    db = new pg.Pool({ connectionString: pgs.url, max: 2 });
    const replica = (user: string) => startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set: ['fleet.ingest.ack_wait_sec=2'], env: { MEDKIT_FLEET_NATS_USER: user, MEDKIT_FLEET_NATS_PASSWORD: `pw-${user}` } });
    replicas.push(await replica('fleet'), await replica('fleet-nofast'));
    // Robots after the fast-path subscription is in place: core NATS drops what nobody subscribes to yet.
    await until(async () => ((await health(replicas[0].url))['x-medkit-fleet'].fast_path.subscribed ? true : undefined), 'the fast path subscribed', 30_000);
    for (const id of ['amr-ok', 'amr-nofast']) {
      robots[id] = await startRobotGateway({ flags: { 'fleet.enabled': true, 'fleet.id': FLEET, 'fleet.robot_id': id, 'fleet.nats.servers': nats.urls, 'fleet.nats.user': id, 'fleet.nats.password': `pw-${id}`, 'fleet.health_interval_sec': 1 } });
    }
  });

  afterAll(async () => {
    for (const r of Object.values(robots)) await r.close();
    for (const r of replicas) await r.kill('SIGKILL');
    await db?.end();
    await nats?.stop();
    pgs?.stop();
  });

  it('takes fast-path events from a robot allowed its fast subjects; a robot refused them delivers by JetStream', async () => {
    robots['amr-ok'].fail('AUTH_OK', '/amr/motor', 2, 'fast and durable');
    robots['amr-nofast'].fail('AUTH_NOFAST', '/amr/motor', 2, 'durable only');
    await until(async () => ((await total(replicas[0], 'AUTH_OK')) === 1 && (await total(replicas[0], 'AUTH_NOFAST')) === 1 ? true : undefined), 'both faults in the fleet', 30_000);
    const ok = (await robotHealth('amr-ok'))['x-medkit-fleet'].fast_path;
    expect(ok.published).toBeGreaterThan(0);
    expect(ok.denied).toBe(0);
    // The server refused amr-nofast's fast subject: counted, the fast path paused, JetStream delivered.
    await until(async () => ((await robotHealth('amr-nofast'))['x-medkit-fleet'].fast_path.denied > 0 ? true : undefined), 'the refusal counted on the robot', 30_000);
    await until(async () => ((await health(replicas[0].url))['x-medkit-fleet'].fast_path.ingested > 0 ? true : undefined), 'amr-ok\'s events ingested from the fast path', 30_000);
    expect((await db.query(`SELECT count(*)::int AS n FROM fleet_events WHERE robot_id = 'amr-nofast' AND stream_seq IS NULL`)).rows[0].n).toBe(0);
  });

  it('refuses an envelope of another robot on a robot\'s own fast subject', async () => {
    const nc = await connect({ servers: nats.urls, user: 'amr-ok', pass: 'pw-amr-ok', timeout: 5000 });
    try {
      const time = new Date().toISOString();
      const body = { event_type: 'fault_confirmed', fault_code: 'SPOOFED', severity: 3, status: 'CONFIRMED', description: 'not mine to say', occurrence_count: 1, reporting_sources: [], first_occurred: time, last_occurred: time };
      const spoof = JSON.stringify({ v: 1, robot_id: 'amr-nofast', seq: 999_999_999, event_id: 'amr-nofast:999999999', time, kind: 'faults', body });
      const before = (await health(replicas[0].url))['x-medkit-fleet'].fast_path.rejected;
      // On its own subject the server lets it through and the fleet refuses it; on the other robot's the server refuses it.
      nc.publish(fastSubjectFor(FLEET, 'amr-ok', 'faults'), spoof);
      nc.publish(fastSubjectFor(FLEET, 'amr-nofast', 'faults'), spoof);
      await nc.flush();
      await until(async () => ((await health(replicas[0].url))['x-medkit-fleet'].fast_path.rejected > before ? true : undefined), 'the spoofed envelope refused', 30_000);
    } finally {
      await nc.close();
    }
    robots['amr-ok'].fail('AFTER_SPOOF', '/amr/motor', 2, 'still ingesting');
    await until(async () => ((await total(replicas[0], 'AFTER_SPOOF')) === 1 ? true : undefined), 'ingest goes on', 30_000);
    expect(await total(replicas[0], 'SPOOFED')).toBe(0);
  });

  it('warns fleet_fast_path_refused on a replica refused the fast subscription, which stays healthy and ingests by JetStream', async () => {
    const h = await until(async () => {
      const x = await health(replicas[1].url);
      return x.warnings.some((w) => w.code === 'fleet_fast_path_refused') ? x : undefined;
    }, 'the warning on the refused replica', 30_000);
    expect(h.status).toBe('healthy');
    expect(h['x-medkit-fleet'].fast_path.subscribed).toBe(false);
    expect((await health(replicas[0].url)).warnings.map((w) => w.code)).not.toContain('fleet_fast_path_refused');
    // Alone, it still has every event, by JetStream.
    await replicas[0].kill('SIGKILL');
    robots['amr-ok'].fail('ONLY_JETSTREAM', '/amr/motor', 2, 'the replica left has no fast path');
    await until(async () => ((await total(replicas[1], 'ONLY_JETSTREAM')) === 1 ? true : undefined), 'the fault by JetStream', 30_000);
  });
});

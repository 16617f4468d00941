// The fleet's forwarding of a robot's fault detail and black-box recordings (docs/fleet.md) on real servers:
// nats-server, PostgreSQL, a `medkit fleet` replica and robot gateways publishing to it. A fault's detail
// read through the fleet carries the robot's freeze frames and links its recording by the fleet's own path,
// which downloads the robot's MCAP bytes; a robot that refuses connections gives 502, one that accepts and
// never answers 504; the robot's stored fault stays readable with the reason its live part is missing.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { freePort } from '../../../test-support/servers/ports.mjs';
import { createMedkitClient, type FleetStreamEvent } from '@medkit/client';
import { until } from '../../../test-support/gateway/faults-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, streamSeqOfId, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';
import { BATTERY_NODE, startFleetRobot, type FleetRobot } from '../../../test-support/fleet/fleet-robot.js';

const FLEET = 'fwd';

async function getJson(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet forwarding of fault details and black-box recordings', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let fleet: FleetReplica;
  let live: FleetRobot;
  let dead: FleetRobot;
  let slow: FleetRobot;
  let hang: Server;
  const sockets: Socket[] = [];
  let base = '';

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(1), startPostgres()]);
    fleet = await startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET, set: ['fleet.forward.timeout_ms=1000', 'fleet.health_interval_sec=1'] });
    base = `${fleet.url}/api/v1`;
    // A gateway address that accepts connections and never answers (504), and one nobody listens on (502).
    hang = createServer((s) => sockets.push(s));
    const hangPort = await freePort();
    await new Promise<void>((r) => hang.listen(hangPort, '127.0.0.1', r));
    const closedPort = await freePort();
    live = await startFleetRobot({ fleet: FLEET, robotId: 'amr-live', nats: nats.urls });
    dead = await startFleetRobot({ fleet: FLEET, robotId: 'amr-dead', nats: nats.urls, flags: { 'fleet.gateway_url': `http://127.0.0.1:${closedPort}` } });
    slow = await startFleetRobot({ fleet: FLEET, robotId: 'amr-slow', nats: nats.urls, flags: { 'fleet.gateway_url': `http://127.0.0.1:${hangPort}` } });
    for (const r of [live, dead, slow]) {
      for (let i = 0; i < 8; i++) r.voltage(24 - i * 0.5);
      r.fail('BATTERY_DEAD', BATTERY_NODE, 3, 'Battery dead');
      r.voltage(19.5);
    }
    await until(async () => {
      const f = await getJson(`${base}/faults?fault_code=BATTERY_DEAD`);
      const robots = await getJson(`${base}/components`);
      const online = (robots.body?.items ?? []).filter((c: { 'x-medkit': { online: boolean; gateway_url: string | null } }) => c['x-medkit'].online && c['x-medkit'].gateway_url).length;
      return f.body?.['x-medkit']?.total === 3 && online === 3 ? true : undefined;
    }, 'three robots online with their fault in the fleet', 30_000);
    // The recording is written after the post-fault window.
    await until(async () => ((await live.api('GET', '/apps/battery-monitor/bulk-data/rosbags')).body.items.length > 0 ? true : undefined), 'the black-box recording', 15_000);
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    hang?.close();
    for (const r of [live, dead, slow]) await r?.close();
    await fleet?.kill('SIGKILL');
    await nats?.stop();
    pgs?.stop();
  });

  it('forwards an entity\'s fault detail with its freeze frame and re-addresses the recording to the fleet', async () => {
    const r = await getJson(`${base}/components/amr-live/apps/amr-live__battery-monitor/faults/BATTERY_DEAD`);
    expect(r.status).toBe(200);
    expect(r.body.item.code).toBe('BATTERY_DEAD');
    const snaps = r.body.environment_data.snapshots as { type: string; bulk_data_uri?: string; data?: unknown }[];
    expect(snaps.some((s) => s.type === 'freeze_frame')).toBe(true);
    const bag = snaps.find((s) => s.type === 'rosbag')!;
    expect(bag.bulk_data_uri).toMatch(/^\/components\/amr-live\/apps\/amr-live__battery-monitor\/bulk-data\/rosbags\/fault_BATTERY_DEAD_\d+$/);
    const viaFleet = await fetch(`${fleet.url}/api/v1${bag.bulk_data_uri}`);
    expect(viaFleet.status).toBe(200);
    expect(viaFleet.headers.get('content-type')).toBe('application/x-mcap');
    expect(viaFleet.headers.get('content-disposition')).toMatch(/^attachment; filename="fault_BATTERY_DEAD_\d+\.mcap"$/);
    const direct = await fetch(`${live.url}/api/v1${bag.bulk_data_uri!.replace('/components/amr-live/apps/amr-live__', '/apps/')}`);
    expect(Buffer.from(await viaFleet.arrayBuffer()).equals(Buffer.from(await direct.arrayBuffer()))).toBe(true);
    // The robot's listing of its recordings, forwarded as is.
    const list = await getJson(`${base}/components/amr-live/apps/amr-live__battery-monitor/bulk-data/rosbags`);
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(bag.bulk_data_uri!.split('/').pop());
  });

  it('answers a robot\'s fault with the stored state and the robot\'s environment data, naming the entity that holds it', async () => {
    const r = await getJson(`${base}/components/amr-live/faults/BATTERY_DEAD`);
    expect(r.status).toBe(200);
    expect(r.body.item).toMatchObject({ code: 'BATTERY_DEAD', severity: 3, 'x-medkit': { robot_id: 'amr-live' } });
    expect(r.body['x-medkit']).toMatchObject({ environment_data: 'robot', robot_entity_id: 'amr-live__battery-monitor' });
    // The robot's stored status history comes along (docs/faults.md "Status history").
    expect(r.body['x-medkit'].status_history.map((h: { change: string }) => h.change)).toEqual(expect.arrayContaining(['occurred', 'confirmed']));
    const bag = r.body.environment_data.snapshots.find((s: { type: string }) => s.type === 'rosbag');
    // The robot list counts each robot's active faults and their worst severity.
    const robots = await getJson(`${base}/components`);
    expect(robots.body.items.find((c: { id: string }) => c.id === 'amr-live')['x-medkit']).toMatchObject({ active_faults: 1, worst_severity: 3 });
    expect(bag.bulk_data_uri.startsWith('/components/amr-live/apps/amr-live__battery-monitor/bulk-data/rosbags/')).toBe(true);
  });

  it('gives 502 for a robot whose gateway refuses connections and 504 for one that never answers', async () => {
    for (const [robot, status, code] of [['amr-dead', 502, 'x-medkit-peer-unavailable'], ['amr-slow', 504, 'not-responding']] as const) {
      for (const path of [`apps/${robot}__battery-monitor/faults/BATTERY_DEAD`, `apps/${robot}__battery-monitor/bulk-data/rosbags`, `apps/${robot}__battery-monitor/bulk-data/rosbags/fault_BATTERY_DEAD_1`]) {
        const r = await getJson(`${base}/components/${robot}/${path}`);
        expect([path, r.status]).toEqual([path, status]);
        expect(r.body.vendor_code ?? r.body.error_code).toBe(code);
      }
      // The stored fault is still answered, with why its environment data is missing.
      const stored = await getJson(`${base}/components/${robot}/faults/BATTERY_DEAD`);
      expect(stored.status).toBe(200);
      expect(stored.body.item.code).toBe('BATTERY_DEAD');
      expect(stored.body.environment_data).toBeUndefined();
      expect(stored.body['x-medkit']).toMatchObject({ environment_data: 'unavailable', robot_error: { status } });
    }
  });

  it('gives the client the fleet\'s resync request for a resume point it cannot honour, then live events on the same stream', async () => {
    const client = createMedkitClient({ baseUrl: fleet.url });
    const events: FleetStreamEvent[] = [];
    const stream = client.fleetFaultStream({ onEvent: (e) => events.push(e) }, { lastEventId: 'not-an-event-id' });
    try {
      const resync = await until(() => events.find((e) => e.kind === 'resync'), 'the resync event', 20_000);
      expect(resync).toMatchObject({ kind: 'resync', resync: { reason: 'invalid-id' } });
      expect(Number(resync.kind === 'resync' ? resync.id : NaN)).toBeGreaterThan(0);
      live.fail('AFTER_RESYNC', BATTERY_NODE, 2, 'live after the resync');
      const ev = await until(() => events.find((e) => e.kind === 'fault' && e.event.fault.fault_code === 'AFTER_RESYNC'), 'a live event after the resync', 20_000);
      expect(ev.kind === 'fault' && ev.event.robot_id).toBe('amr-live');
      // The stream resumes after the resync's id from now on, and past the live event once its stream id came (on the
      // event, or on the bare id frame that follows an event the fast path brought first).
      expect(Number(ev.kind === 'fault' ? streamSeqOfId(ev.event.id) : NaN)).toBeGreaterThanOrEqual(Number(resync.kind === 'resync' ? resync.id : NaN));
      await until(() => (Number(streamSeqOfId(stream.lastEventId)) > Number(resync.kind === 'resync' ? resync.id : NaN) ? true : undefined), 'the resume point past the live event', 20_000);
    } finally {
      stream.close();
    }
  });

  it('refuses foreign entities, path climbing and unforwarded resources', async () => {
    expect((await getJson(`${base}/components/amr-live/apps/amr-dead__battery-monitor/faults/BATTERY_DEAD`)).status).toBe(404);
    const climb = await getJson(`${base}/components/amr-live/apps/amr-live__battery-monitor/bulk-data/..%2F..%2Fx`);
    expect(climb.status).toBe(400);
    expect((await getJson(`${base}/components/amr-live/apps/amr-live__battery-monitor/locks`)).status).toBe(404);
    expect((await getJson(`${base}/components/ghost/apps/ghost__x/faults/A`)).status).toBe(404);
    // Unknown on the robot: its own 404 comes back.
    expect((await getJson(`${base}/components/amr-live/apps/amr-live__battery-monitor/faults/NOPE`)).status).toBe(404);
    expect((await getJson(`${base}/components/amr-live/faults/NOPE`)).status).toBe(404);
  });
});

// The PostgreSQL fault store with ROS on and freeze frames on (their default), issue 54: the gateway exited at
// start-up ("fault store unavailable (postgresql: connecting): not connected yet", thrown while the snapshot
// capturer read the largest capture id) 5 times of 5. A real PostgreSQL up, down and back, and a real Cyclone DDS
// talker whose /chatter the freeze frame captures. And what "accepted" means: a fault acknowledged to a reporting
// node (ReportFault `accepted: 1`) survives the gateway's SIGKILL while PostgreSQL is down (the write-ahead
// journal). And a PostgreSQL that accepts connections but answers late at start. Domain offset 233.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CYCLONE, describeWith, POSTGRES } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../../test-support/peers/harness.js';
import { startPostgres, type PgServer } from '../../../../test-support/servers/postgres.mjs';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
import { buildGateway, runMedkit, type MedkitProcess } from '../../../../test-support/medkit-cli.js';
import { freePort } from '../../../../test-support/servers/ports.mjs';

const DOMAIN = testDomain(233);
let pgs: PgServer | undefined;
let g: FaultGateway | undefined;
let slow: SlowProxy | undefined;
const dirs: string[] = [];

interface SlowProxy {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Stops holding: what every connection sent so far is forwarded, and everything from now on at once. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A PostgreSQL that accepts TCP at once but answers late: a proxy in front of the real one that holds every byte
 * the gateway sends until release() (so the server's answer is late by as long as the test holds it).
 */
async function slowProxy(upstreamPort: number, database: string): Promise<SlowProxy> {
  let held = true;
  let accepted = 0;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const chunks: Buffer[] = [];
    const forward = (b: Buffer) => (held ? chunks.push(b) : upstream.write(b));
    client.on('data', forward);
    waiting.push(() => {
      for (const b of chunks.splice(0)) upstream.write(b);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `postgres://medkit@127.0.0.1:${port}/${database}`,
    connections: () => accepted,
    release() {
      held = false;
      for (const flush of waiting.splice(0)) flush();
    },
    async close() {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

afterEach(async () => {
  await g?.close();
  g = undefined;
  await slow?.close();
  slow = undefined;
  pgs?.stop();
  pgs = undefined;
});
afterAll(async () => {
  await killAllPeers();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function flags(url: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-pg-ros-'));
  dirs.push(dataDir);
  return {
    data_dir: dataDir,
    'ros.enabled': true, 'ros.domain_id': DOMAIN, 'ros.localhost_only': true,
    'faults.storage_type': 'postgresql', 'faults.postgresql.url': url, 'faults.postgresql.query_timeout_ms': 1000, 'faults.postgresql.reconnect_max_ms': 300,
    'faults.snapshots.enabled': true, 'faults.snapshots.default_topics': ['/chatter'], 'faults.snapshots.timeout_sec': 3,
    'faults.store_probe_interval_sec': 0.1,
  };
}

async function storeState(gw: FaultGateway): Promise<{ state: string; pending_writes: number }> {
  return (await gw.api('GET', '/health')).body['x-medkit-faults'].store;
}

/** A fault reported and confirmed, with a freeze frame of the talker's /chatter, read back over REST. */
async function freezeFrameOfChatter(gw: FaultGateway, code: string): Promise<unknown> {
  expect(gw.fail(code, '/nav/planner', 3).accepted).toBe(true);
  return until(async () => {
    const r = await gw.api('GET', `/faults/${code}`);
    const text = JSON.stringify(r.body ?? {});
    return r.status === 200 && text.includes('Hello World') ? r.body : undefined;
  }, `the freeze frame of ${code}`, 30_000);
}

describeWith([...POSTGRES, ...CYCLONE], 'the PostgreSQL store with ROS and freeze frames on', () => {
  // The talker every test's freeze frame captures.
  beforeAll(async () => {
    await buildPeer('cyclone');
    await spawnPeer('cyclone', 'talker', { domain: DOMAIN, node: 'talker', count: 0, periodMs: 100 });
  }, 300_000);

  it('starts with PostgreSQL up, and captures a freeze frame from a real talker', async () => {
    pgs = await startPostgres();
    g = await startFaultGateway({ flags: flags(pgs.url) });
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store to load');
    await freezeFrameOfChatter(g, 'PG_ROS_UP');
  }, 120_000);

  it('starts with PostgreSQL down, says so, and works once it is back', async () => {
    pgs = await startPostgres();
    pgs.pause();
    g = await startFaultGateway({ flags: { ...flags(pgs.url), 'metrics.enabled': true } });
    const down = await g.api('GET', '/health');
    expect(down.status).toBe(200);
    expect((await storeState(g)).state).not.toBe('ok');
    // /health tells the truth (issue 55): a store that refuses every fault is not a healthy gateway; /metrics agrees.
    expect(down.body.status).toBe('degraded');
    const metrics = async () => (await (await fetch(`${g!.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('medkit_health_degraded '));
    expect(await metrics()).toBe('medkit_health_degraded 1');
    pgs.resume();
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store once PostgreSQL is back', 30_000);
    expect((await g.api('GET', '/health')).body.status).toBe('healthy');
    expect(await metrics()).toBe('medkit_health_degraded 0');
    await freezeFrameOfChatter(g, 'PG_ROS_LATE');
  }, 120_000);

  it('starts with a PostgreSQL that answers late, accepts a report once it answers, and the fault is in PostgreSQL', async () => {
    pgs = await startPostgres();
    slow = await slowProxy(pgs.port, 'medkit');
    const f = flags(slow.url);
    // Start-up does not wait for the store: the gateway is up while every byte to PostgreSQL is held.
    g = await startFaultGateway({ flags: f });
    const early = await g.api('GET', '/health');
    expect(early.status).toBe(200);
    expect((await storeState(g)).state).not.toBe('ok');
    // Held until the gateway has given up one attempt at its deadline and connected again (an event, not a duration).
    await until(async () => (slow!.connections() >= 2 ? true : undefined), 'a second connection attempt', 30_000);
    expect((await g.api('GET', '/health')).status).toBe(200);
    slow.release();
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store once PostgreSQL answers', 30_000);
    await freezeFrameOfChatter(g, 'PG_ROS_SLOW');
    await until(async () => ((await storeState(g!)).pending_writes === 0 ? true : undefined), 'the report written to PostgreSQL', 30_000);
    await g.close();
    g = undefined;
    // Durable: a new gateway on the same database, straight to PostgreSQL, loads it.
    g = await startFaultGateway({ flags: { ...flags(pgs.url) } });
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store after the restart', 30_000);
    const after = await g.api('GET', '/faults/PG_ROS_SLOW');
    expect(after.status).toBe(200);
  }, 180_000);

  it('an acknowledged report survives a SIGKILL of the gateway while PostgreSQL is down (the journal), and is in PostgreSQL after both are back', async () => {
    buildGateway();
    pgs = await startPostgres();
    const dataDir = mkdtempSync(join(tmpdir(), 'medkit-pg-journal-'));
    dirs.push(dataDir);
    const port = await freePort();
    const start = (): MedkitProcess =>
      runMedkit(['gateway', '--domain', String(DOMAIN), '--localhost-only', '--port', String(port), '--data-dir', dataDir,
        '--set', 'faults.storage_type=postgresql', '--set', `faults.postgresql.url=${pgs!.url}`, '--set', 'faults.postgresql.query_timeout_ms=1000',
        '--set', 'faults.postgresql.reconnect_max_ms=300', '--set', 'faults.snapshots.enabled=false']);
    const health = async () => (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { 'x-medkit-faults': { store: { state: string; pending_writes: number } } };
    const report = async (code: string) => {
      const peer = await spawnPeer('cyclone', 'report', { domain: DOMAIN, node: 'reporter', code, count: 1, timeoutMs: 10_000 });
      const m = await peer.waitForLine(/^response seq=1 accepted=([01])$/, 30_000);
      await peer.stop();
      return m[1] === '1';
    };
    let g = start();
    try {
      await g.waitFor(/medkit gateway ready/);
      await until(async () => ((await health())['x-medkit-faults'].store.state === 'ok' ? true : undefined), 'the store to load', 30_000);
      expect(await report('PG_J_BEFORE')).toBe(true);
      // Committed before PostgreSQL stops: a write still in flight then fails, and a failed write makes the store refuse
      // reports (by design); the case here is a report that comes before any transaction failed.
      await until(async () => ((await health())['x-medkit-faults'].store.pending_writes === 0 ? true : undefined), 'the first report written to PostgreSQL', 30_000);
      // PostgreSQL stops; the next report is acknowledged (queued, and journalled) before any transaction failed.
      pgs.pause();
      const acknowledged = ['PG_J_BEFORE'];
      if (await report('PG_J_DURING')) acknowledged.push('PG_J_DURING');
      expect(acknowledged).toContain('PG_J_DURING');
      g.child.kill('SIGKILL');
      await g.exited;
      pgs.resume();
      g = start();
      await g.waitFor(/medkit gateway ready/);
      await until(async () => ((await health())['x-medkit-faults'].store.state === 'ok' ? true : undefined), 'the store to load again', 30_000);
      const listed = (await (await fetch(`http://127.0.0.1:${port}/api/v1/faults?status=all`)).json()) as { items: { fault_code: string }[] };
      for (const code of acknowledged) expect(listed.items.map((i) => i.fault_code), code).toContain(code);
    } finally {
      g.child.kill('SIGKILL');
      await g.exited;
    }
  }, 180_000);
});

// The PostgreSQL fault store with ROS on and freeze frames on (their default), issue 54: the gateway exited at
// start-up ("fault store unavailable (postgresql: connecting): not connected yet", thrown while the snapshot
// capturer read the largest capture id) 5 times of 5. A real PostgreSQL up, down and back, and a real Cyclone DDS
// talker whose /chatter the freeze frame captures. Domain offset 233.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { CYCLONE, describeWith, POSTGRES } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../../test-support/peers/harness.js';
import { startPostgres, type PgServer } from '../../../../test-support/servers/postgres.mjs';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const DOMAIN = testDomain(233);
let pgs: PgServer | undefined;
let g: FaultGateway | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await g?.close();
  g = undefined;
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
  it('starts with PostgreSQL up, and captures a freeze frame from a real talker', async () => {
    await buildPeer('cyclone');
    await spawnPeer('cyclone', 'talker', { domain: DOMAIN, node: 'talker', count: 0, periodMs: 100 });
    pgs = await startPostgres();
    g = await startFaultGateway({ flags: flags(pgs.url) });
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store to load');
    await freezeFrameOfChatter(g, 'PG_ROS_UP');
  }, 120_000);

  it('starts with PostgreSQL down, says so, and works once it is back', async () => {
    pgs = await startPostgres();
    pgs.pause();
    g = await startFaultGateway({ flags: flags(pgs.url) });
    expect((await g.api('GET', '/health')).status).toBe(200);
    expect((await storeState(g)).state).not.toBe('ok');
    pgs.resume();
    await until(async () => ((await storeState(g!)).state === 'ok' ? true : undefined), 'the store once PostgreSQL is back', 30_000);
    await freezeFrameOfChatter(g, 'PG_ROS_LATE');
  }, 120_000);
});

// The safety island goes away and comes back (docs/aggregation.md–11.5), with the demo's
// real processes (ROS domains testDomain(48)/(49), loopback, ports chosen now): routes to its entities answer with a
// SOVD error within the aggregation timeout, the rest of the tree keeps working, its entities show as
// unavailable, and they come back when it restarts.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildSet, type RunningChild } from '../src/launcher/children.js';
import { parseLaunchOptions } from '../src/launcher/options.js';
import { launchPlan, type LaunchPlan } from '../src/launcher/plan.js';
import { prepareScriptsDir } from '../src/launcher/scripts-dir.js';
import { medkitBin } from '../src/paths.js';
import { buildDemo, eventually, freePort, http, MEDKIT_OVERRIDE } from '../../../test-support/demo/demo.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(48); // the safety island takes testDomain(49)
let dataDir: string;
let plan: LaunchPlan;
let children: ChildSet;
let island: RunningChild;
const unexpected: string[] = [];
let api: string;

beforeAll(async () => {
  buildDemo();
  dataDir = mkdtempSync(join(tmpdir(), 'medkit-demo-peer-down-'));
  mkdirSync(join(dataDir, 'logs'));
  prepareScriptsDir(dataDir);
  const o = parseLaunchOptions(['--port', String(await freePort()), '--island-port', String(await freePort()), '--domain', String(DOMAIN), '--speed', '10', '--no-autoplay', '--peer-check-ms', '300'])!;
  plan = launchPlan(o, dataDir, MEDKIT_OVERRIDE ?? medkitBin());
  children = new ChildSet({ logDir: join(dataDir, 'logs'), verbose: false, echo: () => {}, onUnexpectedExit: (c) => unexpected.push(c.spec.name) });
  const started = [...plan.gateways, ...plan.nodes].map((s) => children.start(s));
  island = started[0];
  for (const c of started) await children.waitReady(c);
  api = `${plan.mainUrl}/api/v1`;
  await eventually(async () => (await http(`${api}/apps/safety_gate`)).status === 200, 'safety_gate federated', 60_000);
  await eventually(async () => ((await http(`${api}/apps/bt_navigator/data`)).body?.items?.length ?? 0) > 0, 'bt_navigator topics', 60_000);
}, 300_000);

afterAll(async () => {
  await children?.stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('safety island down and back', () => {
  it('answers for the island entities with a SOVD error within the timeout while the rest keeps working, then recovers', async () => {
    expect((await http(`${api}/apps/safety_gate/data`)).status).toBe(200);
    island.child.kill('SIGKILL');
    await island.exited;
    expect(unexpected).toEqual(['safety-island-gateway']);

    // Forwarded requests fail fast with a SOVD body: 502 while the peer is unreachable, 504 once it is known to be down.
    const r = await http(`${api}/apps/safety_gate/data`, { timeoutMs: 8000 });
    expect([502, 504]).toContain(r.status);
    expect(typeof r.body.error_code).toBe('string');
    expect(typeof r.body.message).toBe('string');

    // The robot's own entities are unaffected.
    const local = await http(`${api}/apps/bt_navigator/data`);
    expect(local.status).toBe(200);
    expect(local.body.items.length).toBeGreaterThan(0);
    expect((await http(`${api}/faults`)).status).toBe(200);

    // The island's entities stay listed but unavailable; health names the peer offline.
    const gate = await eventually(async () => {
      const a = (await http(`${api}/apps`)).body.items.find((x: { id: string }) => x.id === 'safety_gate');
      return a?.['x-medkit']?.available === false ? a : undefined;
    }, 'safety_gate unavailable', 30_000);
    expect(gate['x-medkit'].is_online).toBe(false);
    const health = (await http(`${api}/health`)).body;
    expect(health.peers).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'safety-island', status: 'offline' })]));
    const retained = await http(`${api}/apps/safety_gate/faults`, { timeoutMs: 8000 });
    expect(retained.status).toBe(504);
    expect(retained.body.error_code).toBe('not-responding');

    // Back again: same port, same data dir.
    island = children.start(plan.gateways[0]);
    await children.waitReady(island);
    await eventually(async () => {
      const a = (await http(`${api}/apps`)).body.items.find((x: { id: string }) => x.id === 'safety_gate');
      return a && a['x-medkit']?.available !== false && a['x-medkit']?.is_online === true;
    }, 'safety_gate back online', 60_000);
    expect((await http(`${api}/apps/safety_gate/faults`)).status).toBe(200);
    expect((await http(`${api}/health`)).body.peers).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'safety-island', status: 'online' })]));
  });
});

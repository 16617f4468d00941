// node_death against real Cyclone DDS peer processes (docs/graph.md) and a real gateway in hybrid mode with the
// graph watchdog: a peer restarted within miss_grace raises nothing; a SIGKILLed peer (gone when its lease ends)
// raises GRAPH_NODE_DISAPPEARED under the manifest App bound to it, and the fault heals when the peer is back; a
// peer shut down cleanly (its participant disposed) raises too, and heals once prune_grace forgets it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess } from '../../../test-support/peers/harness.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';

const DOMAIN = testDomain(189);
const CODE = 'GRAPH_NODE_DISAPPEARED';
/** Sweeps of 250 ms: miss_grace 40 tolerates a restart of about 10 s, prune_grace 12 forgets 3 s after a raise. */
const MISS_GRACE = 40;

const MANIFEST = `manifest_version: "1.0"
components:
  - id: robot-pc
apps:
  - id: victim-app
    name: Victim
    is_located_on: robot-pc
    ros_binding: { node_name: victim, namespace: /nd }
`;

interface Fault {
  fault_code: string;
  description: string;
  reporting_sources: string[];
  'x-medkit'?: { status?: string };
  status?: unknown;
}

describeWith(CYCLONE, 'node_death against Cyclone DDS peer processes', () => {
  let g: TestGateway;
  let dir: string;
  const peer = (node: string): Promise<PeerProcess> => spawnPeer('cyclone', 'talker', { domain: DOMAIN, node, ns: '/nd', periodMs: 200 });

  async function watchdog(): Promise<{ tick: number; entities: { id: string; armed: boolean; state: string }[]; detectors: { node_death: { watched_nodes: number; missing_nodes: number; findings: { subject: string }[] } } }> {
    return (await http(`${g.url}/api/v1/x-medkit-watchdog`)).body;
  }
  /** Waits until the watchdog watches `fqn` (armed while present). */
  const watched = (fqn: string) => eventually(async () => (await watchdog())?.entities?.some((e) => e.id === fqn && e.armed && e.state === 'present'), `${fqn} armed in the watchdog`, 60_000);
  async function fault(): Promise<Fault | undefined> {
    const items = (await http(`${g.url}/api/v1/faults?status=all`)).body?.items as Fault[] | undefined;
    return items?.find((f) => f.fault_code === CODE);
  }
  const status = (f: Fault | undefined) => f?.['x-medkit']?.status;

  beforeAll(async () => {
    await buildPeer('cyclone');
    dir = mkdtempSync(join(tmpdir(), 'medkit-node-death-'));
    writeFileSync(join(dir, 'robot.yaml'), MANIFEST);
    g = await startTestGateway({
      defaults: true,
      flags: {
        'ros.enabled': true,
        'ros.domain_id': DOMAIN,
        'ros.localhost_only': true,
        'discovery.mode': 'hybrid',
        'discovery.manifest_path': join(dir, 'robot.yaml'),
        'faults.healing_enabled': true,
        'faults.healing_threshold': 0,
        plugins: ['graph_watchdog'],
        'plugins.graph_watchdog.tick_interval_ms': 250,
        'plugins.graph_watchdog.warmup_cycles': 2,
        'plugins.graph_watchdog.detectors.node_death.miss_grace': MISS_GRACE,
        'plugins.graph_watchdog.detectors.node_death.prune_grace': 12,
      },
    });
  }, 300_000);

  afterAll(async () => {
    await g?.close();
    await killAllPeers();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a peer restarted within miss_grace raises nothing', async () => {
    const first = await peer('phoenix');
    await watched('/nd/phoenix');
    await first.stop();
    // The gap must have been seen, or the test proves nothing.
    await eventually(async () => (await watchdog()).detectors.node_death.missing_nodes > 0, 'the watchdog seeing /nd/phoenix missing', 30_000);
    const goneAt = (await watchdog()).tick;
    await peer('phoenix');
    await eventually(async () => {
      const s = await watchdog();
      return s.detectors.node_death.missing_nodes === 0 && s.tick > goneAt + 2 ? s : undefined;
    }, '/nd/phoenix back in the graph', 30_000);
    expect(await fault()).toBeUndefined();
  }, 120_000);

  it('a SIGKILLed peer raises GRAPH_NODE_DISAPPEARED after its lease and miss_grace, under its manifest App; back, it heals', async () => {
    const victim = await peer('victim');
    await watched('/nd/victim');
    victim.kill('SIGKILL');
    const f = await eventually(async () => {
      const x = await fault();
      return status(x) === 'CONFIRMED' ? x : undefined;
    }, `${CODE} confirmed`, 90_000);
    expect(f.description).toContain('/nd/victim left the ROS graph');
    expect(f.reporting_sources).toEqual(['/nd/victim']);
    const listed = (await http(`${g.url}/api/v1/apps/victim-app/faults`)).body.items as Fault[];
    expect(listed.map((x) => x.fault_code)).toContain(CODE);
    const findings = (await watchdog()).detectors.node_death.findings;
    expect(findings.map((x) => x.subject)).toEqual(['/nd/victim']);
    await peer('victim');
    await eventually(async () => status(await fault()) === 'HEALED', `${CODE} healed when /nd/victim is back`, 60_000);
  }, 180_000);

  it('a peer shut down cleanly raises it too, and heals once prune_grace forgets the node', async () => {
    const leaver = await peer('leaver');
    await watched('/nd/leaver');
    expect((await leaver.stop()).code).toBe(0);
    const f = await eventually(async () => {
      const x = await fault();
      return status(x) === 'CONFIRMED' && x?.description.includes('/nd/leaver') ? x : undefined;
    }, `${CODE} confirmed for /nd/leaver`, 60_000);
    // No App outlives a runtime-only node: the fault is the watchdog's own.
    expect(f.reporting_sources).toContain('graph_watchdog');
    await eventually(async () => status(await fault()) === 'HEALED', `${CODE} healed by prune_grace`, 60_000);
    expect((await watchdog()).detectors.node_death.findings).toEqual([]);
  }, 120_000);
});

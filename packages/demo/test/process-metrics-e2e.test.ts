// The demo's node processes in the procfs plugin (issue #16: "procfs reports the demo node processes'
// RSS, threads, fd count and CPU%"): `npm start`'s launcher (ROS domains testDomain(217)/(218)) names
// every node on its process's command line, and both gateways report each App's process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, eventually, freePort, http, launch, type Launched } from '../../../test-support/demo/demo.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(217); // the safety island takes testDomain(218)
let demo: Launched;
let api: string;
let islandApi: string;

beforeAll(async () => {
  buildDemo();
  const [port, islandPort] = [await freePort(), await freePort()];
  demo = launch(['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--no-autoplay', '--peer-check-ms', '500']);
  await demo.waitFor(/Press Ctrl-C to stop everything/, 270_000);
  api = `http://127.0.0.1:${port}/api/v1`;
  islandApi = `http://127.0.0.1:${islandPort}/api/v1`;
}, 300_000);

afterAll(async () => {
  if (demo) expect(await demo.stop()).toBe(0);
}, 60_000);

interface Proc {
  pid: number;
  rss_bytes: number;
  threads: number;
  fd_count: number;
  cpu_percent: number | null;
  cmdline: string;
  node_ids?: string[];
}

describe('process metrics of the demo nodes', () => {
  it('reports one robot process for the robot nodes, with memory, threads, descriptors and CPU %', async () => {
    const nodes = ['lidar', 'sensor_monitor', 'battery_monitor', 'motor_controller', 'controller_server', 'bt_navigator', 'obstacle_detector', 'scenario', 'scan_filter', 'local_costmap', 'topic_monitor'];
    const procs: Proc[] = [];
    for (const id of nodes) {
      const r = await eventually(async () => {
        const res = await http(`${api}/apps/${id}/x-medkit-procfs`);
        return res.status === 200 ? res : undefined;
      }, `${id} process`, 30_000);
      procs.push(r.body as Proc);
    }
    expect(new Set(procs.map((p) => p.pid)).size).toBe(1);
    const p = procs[0];
    expect(p.cmdline).toContain('robot-process.js');
    expect(p.cmdline).toContain('lidar:__ns:=/sensors');
    expect(p.rss_bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(p.threads).toBeGreaterThanOrEqual(4);
    expect(p.fd_count).toBeGreaterThan(8); // stdio, the event loop and one set of UDP sockets per node
    // A second read ≥ 1 s later has a CPU figure; the nodes run timers, so it is a real number.
    const cpu = await eventually(async () => {
      const v = ((await http(`${api}/apps/lidar/x-medkit-procfs`)).body as Proc).cpu_percent;
      return v === null ? undefined : v;
    }, 'a CPU percentage', 20_000);
    expect(cpu).toBeGreaterThanOrEqual(0);
    // The island link runs in the safety island's process: another pid.
    const link = await eventually(async () => {
      const res = await http(`${api}/apps/island_link/x-medkit-procfs`);
      return res.status === 200 ? (res.body as Proc) : undefined;
    }, 'island_link process');
    expect(link.pid).not.toBe(p.pid);
    expect(link.cmdline).toContain('island-process.js');
  });

  it('shows the process metadata in the entity detail and aggregates a component', async () => {
    const d = await http(`${api}/apps/lidar`);
    expect(d.body.capabilities.map((c: { name: string }) => c.name)).toContain('x-medkit-procfs');
    const c = await http(`${api}/components/compute-unit/x-medkit-procfs`);
    expect(c.status).toBe(200);
    expect((c.body.processes as Proc[]).some((p) => p.node_ids!.includes('sensor_monitor'))).toBe(true);
    await eventually(async () => ((await http(`${api}/apps/lidar`)).body['x-medkit']?.plugins?.procfs_introspection?.pid ? true : undefined), 'procfs metadata on the lidar app', 40_000);
  });

  it('reports the safety gate on the island gateway', async () => {
    const r = await eventually(async () => {
      const res = await http(`${islandApi}/apps/safety_gate/x-medkit-procfs`);
      return res.status === 200 ? res : undefined;
    }, 'safety_gate process');
    expect(r.body.cmdline).toContain('safety_gate:__ns:=/safety');
  });
});

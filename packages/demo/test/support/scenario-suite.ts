// The demo's scenario end to end, as `npm start` runs it (shared by scenario-e2e.test.ts and, over a secured
// domain, scenario-secure-e2e.test.ts): the launcher starts both gateways, the safety island and the robot
// (ROS domains `domain` and domain + 1, loopback, ports chosen now); the scenario is triggered through the main
// gateway's REST, and the three faults, their sources, the entity ids from both gateways, the freeze frame and the
// heal are all read back through the main gateway; then the managed script plays it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, eventually, freePort, http, launch, type Launched } from '../../../../test-support/demo/demo.js';

const CODES = ['PROTECTIVE_STOP', 'ACTION_NAVIGATE_TO_POSE_ABORTED', 'NAVIGATION_GOAL_ABORTED'];

/** What a suite's own checks get: the running launcher and both gateways' API roots. */
export interface ScenarioRun {
  demo: Launched;
  api: string;
  islandApi: string;
}

/** Registers the scenario's tests for a launcher started with `extraArgs` on `domain`; `more` adds tests of its own. */
export function scenarioSuite(title: string, domain: number, extraArgs: string[], more?: (run: () => ScenarioRun) => void): void {
  const DOMAIN = domain;
  let demo: Launched;
  let api: string;
  let islandApi: string;
  /** Snapshots of the first PROTECTIVE_STOP, for the history check below. */
  let freezeFrame: any[] = [];

  beforeAll(async () => {
    buildDemo();
    const [port, islandPort] = [await freePort(), await freePort()];
    demo = launch(['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--speed', '10', '--no-autoplay', '--peer-check-ms', '500', ...extraArgs]);
    await demo.waitFor(/Press Ctrl-C to stop everything/, 270_000);
    api = `http://127.0.0.1:${port}/api/v1`;
    islandApi = `http://127.0.0.1:${islandPort}/api/v1`;
  }, 300_000);

  afterAll(async () => {
    if (!demo) return;
    const code = await demo.stop();
    // A clean shutdown: the launcher stopped its children and exited 0 (not killed).
    expect(code).toBe(0);
  }, 60_000);

  describe(title, () => {
    it('prints where to look and what to try', () => {
      const out = demo.stdout();
      expect(out).toContain(api);
      expect(out).toContain(islandApi);
      expect(out).toContain(`curl -s ${api}/faults`);
      expect(out).toContain(`${api}/apps/scenario/operations/trigger_person/executions`);
      expect(out).toContain(`ROS domain ${DOMAIN} for the robot, ${DOMAIN + 1} for the safety island; loopback only`);
    });

    it('shows the robot tree with live nodes and the safety island federated into it', async () => {
      const apps = await eventually(async () => {
        const r = await http(`${api}/apps`);
        const items = (r.body?.items ?? []) as any[];
        const robot = ['lidar', 'sensor_monitor', 'battery_monitor', 'motor_controller', 'controller_server', 'bt_navigator', 'obstacle_detector', 'scenario', 'island_link'];
        const online = robot.every((id) => items.find((a) => a.id === id)?.['x-medkit']?.is_online === true);
        return online && items.some((a) => a.id === 'safety_gate') ? items : undefined;
      }, 'robot apps online and the safety gate from the island', 60_000);
      expect(apps.find((a) => a.id === 'safety_gate')['x-medkit'].source).toBe('peer:safety-island');
      const areas = (await http(`${api}/areas`)).body.items.map((a: any) => a.id);
      expect(areas).toEqual(expect.arrayContaining(['base', 'sensors', 'navigation', 'perception', 'safety', 'demo']));
      const safety = (await http(`${api}/areas/safety`)).body;
      const contributors = safety['x-medkit'].contributors as string[];
      expect(contributors).toContain('local');
      expect(contributors.some((c) => c === 'safety-island' || c === 'peer:safety-island')).toBe(true);
      // The managed node is up (its lifecycle services and topic are there).
      const det = await eventually(async () => {
        const r = await http(`${api}/apps/obstacle_detector/data`);
        return r.body?.items?.some((i: any) => i.id === '/perception/obstacle_detector/nearest_obstacle_m') ? r : undefined;
      }, 'obstacle detector output topic');
      expect(det.status).toBe(200);
    });

    it('shows beacon metadata: parameter hints of lidar and battery monitor, the motor controller\'s topic hint', async () => {
      const lidar = await eventually(async () => {
        const d = await http(`${api}/apps/lidar`);
        return d.body?.['x-medkit']?.plugins?.parameter_beacon ? d.body : undefined;
      }, 'lidar parameter hint', 60_000);
      expect(lidar['x-medkit'].plugins.parameter_beacon).toMatchObject({ 'x-medkit-beacon-status': 'active', 'x-medkit-beacon-model': 'sim-360', 'x-medkit-beacon-functions': ['environment-sensing', 'safety-monitoring'] });
      // The parameter beacon polls its nodes in turn within a budget: the battery monitor's hint may come a cycle later.
      const battery = await eventually(async () => {
        const r = await http(`${api}/apps/battery_monitor/x-medkit-param-beacon`);
        return r.status === 200 ? r.body : undefined;
      }, 'battery monitor parameter hint', 30_000);
      expect(battery).toMatchObject({ display_name: 'Battery monitor', metadata: { chemistry: 'LiFePO4' } });
      // The lidar's extra function membership reaches the Function's hosts with the discovery refresh the
      // hint asks for (at most one a second), which may come after the hint shows on the app.
      const hosts = await eventually(async () => {
        const r = await http(`${api}/functions/safety-monitoring/hosts`);
        return r.body?.items?.some((i: { id: string }) => i.id === 'lidar') ? r : undefined;
      }, 'lidar among the hosts of safety-monitoring', 30_000);
      expect(hosts.body.items.map((i: { id: string }) => i.id)).toContain('lidar');
      const motor = await eventually(async () => {
        const r = await http(`${api}/apps/motor_controller/x-medkit-topic-beacon`);
        return r.status === 200 ? r.body : undefined;
      }, 'motor controller topic hint', 30_000);
      expect(motor).toMatchObject({ status: 'active', transport_type: 'intra_process', process_name: 'medkit-demo-robot', metadata: { firmware: '2.1.0' } });
    }, 150_000);

    it('raises PROTECTIVE_STOP on the island, then the navigation faults on the robot, and heals the stop', async () => {
      // Secured, the gateway's first call of a service waits for its endpoints to be matched both ways (their crypto
      // tokens exchanged): on a loaded machine that can outlast service_call_timeout_sec, and the call answers
      // `unavailable` (the reference's 500) until it is done; the client stays, so a later call finds it ready.
      const r = await eventually(async () => {
        const res = await http(`${api}/apps/scenario/operations/trigger_person/executions`, { method: 'POST', json: {}, timeoutMs: 60_000 });
        if (res.status === 500 && res.body?.parameters?.reason === 'unavailable') throw new Error(res.body.message);
        return res;
      }, 'the trigger_person service ready', 90_000);
      expect(r.status).toBe(200);
      expect(r.body.parameters.success).toBe(true);

      // The navigation aborts are the stop's symptoms (config/main-correlation.yaml): muted, so listed with include_muted.
      const faults = await eventually(async () => {
        const items = ((await http(`${api}/faults?status=all&include_muted=true`)).body?.items ?? []) as any[];
        return CODES.every((c) => items.some((f) => f.fault_code === c)) ? items : undefined;
      }, `faults ${CODES.join(', ')}`, 60_000);
      // The island's own PROTECTIVE_STOP, once: no relay node re-reports it on the robot's side; the main gateway's
      // correlation takes the federated stop as the root cause (correlation over federation, issue 55).
      const byCode = (c: string) => faults.find((f) => f.fault_code === c);
      expect(faults.filter((f) => f.fault_code === 'PROTECTIVE_STOP').map((f) => f['x-medkit']?.gateway)).toEqual(['safety-island']);
      const muted: { fault_code: string; root_cause_code: string }[] = await eventually(async () => {
        const muted = (await http(`${api}/faults?status=all&include_muted=true`)).body?.['x-medkit']?.muted_faults ?? [];
        return muted.length >= 2 ? muted : undefined;
      }, 'both aborts muted under the stop', 30_000);
      expect(muted.filter((m) => m.root_cause_code === 'PROTECTIVE_STOP').map((m) => m.fault_code).sort()).toEqual(['ACTION_NAVIGATE_TO_POSE_ABORTED', 'NAVIGATION_GOAL_ABORTED']);
      expect(byCode('PROTECTIVE_STOP')).toMatchObject({ reporting_sources: ['/safety/safety_gate'], entity_id: 'safety_gate', severity: 3, 'x-medkit': { gateway: 'safety-island' } });
      expect(byCode('ACTION_NAVIGATE_TO_POSE_ABORTED')).toMatchObject({ reporting_sources: ['/navigation/bt_navigator'], entity_id: 'bt_navigator', 'x-medkit': { gateway: 'local' } });
      expect(byCode('NAVIGATION_GOAL_ABORTED')).toMatchObject({ reporting_sources: ['/navigation/bt_navigator'], entity_id: 'bt_navigator', 'x-medkit': { gateway: 'local' } });
      // One physical event on one timeline: the stop came first.
      expect(byCode('PROTECTIVE_STOP').first_occurred).toBeLessThanOrEqual(byCode('NAVIGATION_GOAL_ABORTED').first_occurred);

      // The freeze frame holds the gate's inputs; min_range_m dropped below the 0.8 m threshold.
      const detail = (await http(`${api}/apps/safety_gate/faults/PROTECTIVE_STOP`)).body;
      const snaps = detail.environment_data.snapshots as any[];
      // One freeze frame per capture, newest first, keyed by signal name (the product's PROTECTIVE_STOP shape).
      const frames = snaps.filter((s) => s.type === 'freeze_frame');
      expect(frames.length).toBeGreaterThanOrEqual(1);
      expect(Object.keys(frames[0].data).sort()).toEqual(['commanded_vx', 'min_range_m', 'stop_threshold_m']);
      expect(frames[0].data.min_range_m.value).toBeLessThan(0.8);
      expect(frames[0].data.stop_threshold_m.value).toBe(0.8);
      expect(typeof frames[0].data.commanded_vx.value).toBe('number');
      freezeFrame = snaps;

      // The person leaves: the stop heals.
      const healed = await eventually(async () => {
        const d = (await http(`${api}/apps/safety_gate/faults/PROTECTIVE_STOP`)).body;
        return d?.['x-medkit']?.status === 'HEALED' ? d : undefined;
      }, 'PROTECTIVE_STOP healed', 60_000);
      expect(healed.item.last_passed).toBeGreaterThan(healed.item.last_occurred);
    });

    // The island's gateway keeps a window of each snapshot topic (faults.snapshots.history_window_sec).
    it('captures each signal as a value with history, min_range_m dropping below 0.8 m', () => {
      for (const name of ['commanded_vx', 'min_range_m', 'stop_threshold_m']) expect(signal(freezeFrame, name), `${name} with history`).toBeDefined();
      const range = signal(freezeFrame, 'min_range_m')!.history.map(([, v]) => v);
      const firstLow = range.findIndex((v) => v < 0.8);
      expect(firstLow).toBeGreaterThan(0);
      expect(range.slice(0, firstLow).some((v) => v >= 0.8)).toBe(true);
    });

    it('plays the scenario again from the managed script inject-protective-stop', async () => {
      const before = (await http(`${api}/apps/safety_gate/faults/PROTECTIVE_STOP`)).body['x-medkit'].occurrence_count as number;
      const script = `${api}/components/compute-unit/scripts/inject-protective-stop/executions`;
      // The script is refused (exit 1) while the previous person is still walking away: run it until it is not.
      // Each try starts a new participant that (secured) authenticates first: on a loaded machine that alone takes
      // seconds, so several tries are allowed.
      const exec = await eventually(async () => {
        const start = await http(script, { method: 'POST', json: { execution_type: 'now' } });
        expect(start.status).toBe(202);
        let r;
        do {
          await new Promise((res) => setTimeout(res, 200));
          r = (await http(`${script}/${start.body.id}`)).body;
        } while (r.status === 'running' || r.status === 'prepared');
        // A failed try is thrown, so a timeout says how the last one ended.
        if (r.status !== 'completed') throw new Error(`last try ${r.status}: ${JSON.stringify({ error: r.error, stdout: r.parameters?.stdout, stderr: r['x-medkit']?.stderr }).slice(0, 600)}`);
        return r;
      }, 'script execution completed', 120_000);
      expect(exec.parameters.stdout).toContain('a person steps into the path');
      await eventually(async () => {
        const d = (await http(`${api}/apps/safety_gate/faults/PROTECTIVE_STOP`)).body;
        return d['x-medkit'].occurrence_count > before || d['x-medkit'].status === 'CONFIRMED';
      }, 'PROTECTIVE_STOP again', 60_000);
    }, 200_000);
    more?.(() => ({ demo, api, islandApi }));
  });
}

/** The value-with-history signal `name` in any freeze frame (key `name`, or a peer's topic key ending in `/name`). */
function signal(snapshots: any[], name: string): { value: unknown; history: [number | string, number][] } | undefined {
  for (const s of snapshots) {
    if (s.type !== 'freeze_frame' || !s.data || typeof s.data !== 'object') continue;
    for (const [k, v] of Object.entries(s.data as Record<string, any>)) {
      if ((k === name || k.endsWith(`/${name}`)) && v && Array.isArray(v.history)) return v;
    }
  }
  return undefined;
}


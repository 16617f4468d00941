// Value-and-history freeze frames from live ROS topics (faults.md §6.4 background mode, §6.7 d): the gateway
// subscribes the snapshot topics of its config file as soon as they appear, a safety gate in another process
// (fixtures/safety-signals.mjs, domains testDomain(44) and (45)) publishes a falling min_range_m and reports PROTECTIVE_STOP through
// ~/report_fault, and the fault detail over REST shows each signal with the values leading up to the stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRos2 } from '../ros/robot.js';
import { startFaultGateway, until, type FaultGateway } from './gateway-harness.js';
import { testDomain } from '../../../../test-support/domains.js';

const GATE = fileURLToPath(new URL('./fixtures/safety-signals.mjs', import.meta.url));
const TOPICS = ['/safety/safety_gate/commanded_vx', '/safety/safety_gate/min_range_m', '/safety/safety_gate/stop_threshold_m'];

type Signal = { value: unknown; history: [number | string, number][] };
type Snapshot = { type: string; name: string; data: unknown; 'x-medkit'?: Record<string, unknown> };

// On demand: the topic frames are sampled after the confirmation; background: copied from the cache.
describe.each([
  { mode: 'on-demand sampling', domain: testDomain(44), background: false },
  { mode: 'background_capture', domain: testDomain(45), background: true },
])('value-and-history freeze frames from live ROS topics ($mode)', ({ domain: DOMAIN, background }) => {
  let g: FaultGateway;
  let gate: ChildProcess | undefined;
  let out = '';
  let err = '';
  const dir = mkdtempSync(join(tmpdir(), 'medkit-signals-'));

  beforeAll(async () => {
    buildRos2();
    const config = join(dir, 'snapshots.yaml');
    writeFileSync(config, `fault_specific:\n  PROTECTIVE_STOP:\n${TOPICS.map((t) => `    - ${t}\n`).join('')}`);
    g = await startFaultGateway({
      flags: {
        'ros.enabled': true, 'ros.domain_id': DOMAIN, 'ros.localhost_only': true,
        'faults.snapshots.config_file': config, 'faults.snapshots.history_window_sec': 5, 'faults.snapshots.background_capture': background,
      },
    });
  }, 60_000);
  afterAll(async () => {
    if (gate && gate.exitCode === null) {
      const exited = new Promise((r) => gate!.on('exit', r));
      gate.kill('SIGTERM');
      const t = setTimeout(() => gate?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await g?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each configured signal with the values leading up to the fault', async () => {
    gate = spawn(process.execPath, [GATE, '--domain', String(DOMAIN), '--rate-hz', '20', '--step', '0.05'], { stdio: ['ignore', 'pipe', 'pipe'] });
    gate.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    gate.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const reported = await until(() => {
      if (gate!.exitCode !== null) throw new Error(`safety gate exited (${gate!.exitCode}): ${err}`);
      return /reported ([\d.]+) accepted=true/.exec(out) ?? undefined;
    }, 'PROTECTIVE_STOP reported over ROS', 40_000);
    const reportedRange = Number(reported[1]);
    expect(reportedRange).toBeLessThan(0.8);

    const snaps = await until(async () => {
      const r = await g.api('GET', '/faults/PROTECTIVE_STOP');
      const s = r.body?.environment_data?.snapshots as Snapshot[] | undefined;
      return s?.some((x) => x.name === 'signal_history') ? s : undefined;
    }, 'the freeze frame with signal history', 20_000);
    const frame = (name: string) => snaps.find((s) => s.type === 'freeze_frame' && s.name === name);
    // Topic frames: the value sampled when the fault confirmed.
    expect(frame('min_range_m')!.data).toBeLessThan(0.8);
    expect(frame('stop_threshold_m')!.data).toBe(0.8);
    expect(frame('commanded_vx')!.data).toBe(0);

    const signals = frame('signal_history')!.data as Record<string, Signal>;
    expect(Object.keys(signals).sort()).toEqual(TOPICS);
    const range = signals['/safety/safety_gate/min_range_m'];
    const values = range.history.map(([, v]) => v);
    const stamps = range.history.map(([t]) => BigInt(t));
    // Falling, with the values above the threshold before the stop, and receive times in order.
    expect(values.length).toBeGreaterThan(10);
    expect(values.every((v, i) => i === 0 || v <= values[i - 1])).toBe(true);
    const firstLow = values.findIndex((v) => v < 0.8);
    expect(firstLow).toBeGreaterThan(0);
    expect(values.slice(0, firstLow).every((v) => v >= 0.8)).toBe(true);
    expect(values).toContain(reportedRange);
    expect(stamps.every((t, i) => i === 0 || t >= stamps[i - 1])).toBe(true);
    // Epoch nanoseconds (Q6/Q10: receive time, as decimal strings beyond 2^53).
    expect(Number(stamps[0] / 1_000_000_000n)).toBeGreaterThan(1_700_000_000);
    expect(range.value).toBe(frame('min_range_m')!.data);
    // The commanded speed dropped to 0 at the stop; the threshold stayed.
    const vx = signals['/safety/safety_gate/commanded_vx'].history.map(([, v]) => v);
    expect(vx[0]).toBe(0.5);
    expect(vx.at(-1)).toBe(0);
    expect(new Set(signals['/safety/safety_gate/stop_threshold_m'].history.map(([, v]) => v))).toEqual(new Set([0.8]));
  }, 90_000);
});

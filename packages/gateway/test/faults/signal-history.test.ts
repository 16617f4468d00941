// Value-and-history freeze frames from live ROS topics (docs/faults.md background mode, docs/faults.md d): the gateway
// subscribes the snapshot topics of its config file as soon as they appear, a safety gate in another process
// (fixtures/safety-signals.mjs, domains testDomain(44) and (45)) publishes a falling min_range_m and reports PROTECTIVE_STOP through
// ~/report_fault, and the fault detail over REST shows each signal with the values leading up to the stop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRos2 } from '../../../../test-support/gateway/ros-robot.js';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
import { startSafetySignals, type SafetySignals } from './safety-signals.js';
import { testDomain } from '../../../../test-support/domains.js';

const TOPICS = ['/safety/safety_gate/commanded_vx', '/safety/safety_gate/min_range_m', '/safety/safety_gate/stop_threshold_m'];

type Signal = { value: unknown; history: [number | string, number][] };
type Snapshot = { type: string; name: string; data: unknown; 'x-medkit'?: Record<string, unknown> };

// On demand: the topic frames are sampled after the confirmation; background: copied from the cache.
describe.each([
  { mode: 'on-demand sampling', domain: testDomain(44), background: false },
  { mode: 'background_capture', domain: testDomain(45), background: true },
])('value-and-history freeze frames from live ROS topics ($mode)', ({ domain: DOMAIN, background }) => {
  let g: FaultGateway;
  let gate: SafetySignals | undefined;
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
    await gate?.stop();
    await g?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each configured signal with the values leading up to the fault', async () => {
    const gated = startSafetySignals(DOMAIN);
    gate = gated;
    const reported = await until(() => {
      if (gated.child.exitCode !== null) throw new Error(`safety gate exited (${gated.child.exitCode}): ${gated.stderr()}`);
      return /reported ([\d.]+) accepted=true/.exec(gated.stdout()) ?? undefined;
    }, 'PROTECTIVE_STOP reported over ROS', 40_000);
    const reportedRange = Number(reported[1]);
    expect(reportedRange).toBeLessThan(0.8);

    const snaps = await until(async () => {
      const r = await g.api('GET', '/faults/PROTECTIVE_STOP');
      const s = r.body?.environment_data?.snapshots as Snapshot[] | undefined;
      return s?.some((x) => x.type === 'freeze_frame') ? s : undefined;
    }, 'the freeze frame with signal history', 20_000);
    // One frame, keyed by signal name (the product's PROTECTIVE_STOP shape, docs/faults.md d).
    const frames = snaps.filter((s) => s.type === 'freeze_frame');
    expect(frames).toHaveLength(1);
    const x = frames[0]['x-medkit'] as { captured_at: string; history_epoch_ns: string; signals: Record<string, { topic: string }> };
    expect(x.captured_at).toMatch(/Z$/);
    const signals = frames[0].data as Record<string, Signal>;
    expect(Object.keys(signals).sort()).toEqual(['commanded_vx', 'min_range_m', 'stop_threshold_m']);
    expect(Object.values(x.signals).map((v) => v.topic).sort()).toEqual(TOPICS);
    // The value when the fault confirmed.
    expect(signals.min_range_m.value).toBeLessThan(0.8);
    expect(signals.stop_threshold_m.value).toBe(0.8);
    expect(signals.commanded_vx.value).toBe(0);

    const range = signals.min_range_m;
    const values = range.history.map(([, v]) => v);
    // Numeric ns offsets from history_epoch_ns (exact Unix-epoch ns as a decimal string).
    expect(range.history.every(([t]) => typeof t === 'number' && Number.isSafeInteger(t))).toBe(true);
    const stamps = range.history.map(([t]) => BigInt(x.history_epoch_ns) + BigInt(t));
    // Falling, with the values above the threshold before the stop, and receive times in order.
    expect(values.length).toBeGreaterThan(10);
    expect(values.every((v, i) => i === 0 || v <= values[i - 1])).toBe(true);
    const firstLow = values.findIndex((v) => v < 0.8);
    expect(firstLow).toBeGreaterThan(0);
    expect(values.slice(0, firstLow).every((v) => v >= 0.8)).toBe(true);
    expect(values).toContain(reportedRange);
    expect(stamps.every((t, i) => i === 0 || t >= stamps[i - 1])).toBe(true);
    // Receive times on the wall clock (Q6).
    expect(Number(stamps[0] / 1_000_000_000n)).toBeGreaterThan(1_700_000_000);
    // The commanded speed dropped to 0 at the stop; the threshold stayed.
    const vx = signals.commanded_vx.history.map(([, v]) => v);
    expect(vx[0]).toBe(0.5);
    expect(vx.at(-1)).toBe(0);
    expect(new Set(signals.stop_threshold_m.history.map(([, v]) => v))).toEqual(new Set([0.8]));
  }, 90_000);
});

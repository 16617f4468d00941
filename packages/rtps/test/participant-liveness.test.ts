// The liveness check's schedule on an injected clock (participant-liveness.ts): probes from half a lease after the
// last echo, at most every eighth of a lease (and a second), removal past one and a half leases, nothing for those
// it cannot probe or when it is off. The loopback and interop suites check it on real sockets and real vendors.
import { describe, expect, it } from 'vitest';
import { LIVENESS_TICK_MS, LivenessCheck } from '../src/participant-liveness.js';

function harness(enabled = true) {
  const table = new Map<string, { prefixHex: string; leaseMs: number; probeable: boolean; checkable?: boolean }>();
  const probes: string[] = [];
  const removed: string[] = [];
  const check = new LivenessCheck(
    {
      participants: () => table.values(),
      checkable: (h) => table.get(h)?.checkable ?? true,
      probe: (h, _now, dryRun) => {
        const r = table.get(h);
        if (!r?.probeable) return false;
        if (!dryRun) probes.push(h);
        return true;
      },
      remove: (h) => {
        removed.push(h);
        table.delete(h);
      },
    },
    enabled,
  );
  /** Ticks from `from` to `to` every LIVENESS_TICK_MS. */
  const run = (from: number, to: number) => {
    for (let t = from; t <= to; t += LIVENESS_TICK_MS) check.tick(t);
  };
  return { table, probes, removed, check, run };
}

describe('LivenessCheck', () => {
  it('probes a silent participant from half its lease, every eighth of it (at least 1 s), and removes it past 1.5 leases', () => {
    const h = harness();
    h.table.set('aa', { prefixHex: 'aa', leaseMs: 20_000, probeable: true });
    h.check.confirm('aa', 0);
    h.run(0, 9_750);
    expect(h.probes).toEqual([]);
    h.run(10_000, 29_750);
    // 10, 12.5, 15, … 27.5 s: eight probes, 2.5 s apart.
    expect(h.probes).toHaveLength(8);
    expect(h.removed).toEqual([]);
    h.run(30_000, 30_000);
    expect(h.removed).toEqual([]); // 30 s is 1.5 leases, not past it: one more probe
    h.run(30_250, 30_250);
    expect(h.removed).toEqual(['aa']);
    expect(h.check.stats).toEqual({ livenessProbes: 9, expiredUnconfirmed: 1 });
  });

  it('an echo starts its clock again; a short lease is probed at most once a second', () => {
    const h = harness();
    h.table.set('bb', { prefixHex: 'bb', leaseMs: 2_000, probeable: true });
    h.run(0, 1_750);
    expect(h.probes).toHaveLength(1); // at 1 s; the next is due at 2 s
    h.check.confirm('bb', 1_800);
    h.run(2_000, 4_500);
    expect(h.removed).toEqual([]);
    h.run(4_750, 5_000);
    expect(h.removed).toEqual(['bb']);
  });

  it('grants a participant that never echoed at most 30 s of lease, whatever it announced', () => {
    const h = harness();
    h.table.set('ee', { prefixHex: 'ee', leaseMs: 300_000, probeable: true });
    h.run(0, 45_000);
    expect(h.removed).toEqual([]);
    expect(h.probes.length).toBeGreaterThan(0);
    h.run(45_250, 45_250);
    expect(h.removed).toEqual(['ee']);
  });

  it('leaves alone a participant it cannot probe, and starts counting when it can', () => {
    const h = harness();
    h.table.set('cc', { prefixHex: 'cc', leaseMs: 2_000, probeable: false });
    h.run(0, 60_000);
    expect([h.probes, h.removed]).toEqual([[], []]);
    h.table.get('cc')!.probeable = true;
    h.run(60_250, 62_000);
    expect(h.removed).toEqual([]);
    h.run(62_250, 64_000);
    expect(h.removed).toEqual(['cc']);
  });

  it('leaves alone a participant whose answers cannot be told from forgeries (DDS-Security without RTPS protection)', () => {
    const h = harness();
    h.table.set('ff', { prefixHex: 'ff', leaseMs: 1_000, probeable: true, checkable: false });
    h.run(0, 60_000);
    expect([h.probes, h.removed, h.check.applies('ff')]).toEqual([[], [], false]);
  });

  it('does nothing when off (discovery servers)', () => {
    const h = harness(false);
    h.table.set('dd', { prefixHex: 'dd', leaseMs: 1_000, probeable: true });
    h.run(0, 60_000);
    expect([h.probes, h.removed]).toEqual([[], []]);
  });
});

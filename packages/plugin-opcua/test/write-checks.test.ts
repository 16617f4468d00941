import { describe, expect, it } from 'vitest';
import { WriteChecks } from '../src/write-checks.js';

describe('WriteChecks', () => {
  it('a check dropped by newer timeouts while its read-back runs does not resolve another one', async () => {
    const checks = new WriteChecks();
    checks.add('d0', 'ns=1;s=n0', 0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const logs: string[] = [];
    const verifying = checks.verify(async (nodeId) => {
      if (nodeId === 'ns=1;s=n0') await gate;
      return 0;
    }, (m) => logs.push(m));
    // A flood of timed-out writes while the server is slow: the first check falls out of the pending bound.
    for (let i = 1; i <= 40; i++) checks.add(`d${i}`, `ns=1;s=n${i}`, i);
    release();
    await verifying;
    const status = checks.status() as { pending: { data_id: string }[]; recent: unknown[]; dropped: number };
    expect(status.dropped).toBe(9);
    expect(status.recent).toEqual([]);
    expect(logs).toEqual([]);
    // The newest check is still pending, and so is every one that was not dropped.
    expect(status.pending.map((c) => c.data_id)).toEqual(Array.from({ length: 32 }, (_, i) => `d${i + 9}`));
  });

  it('resolves a pending check with what the node holds', async () => {
    const checks = new WriteChecks();
    checks.add('level', 'ns=1;s=level', 1.1);
    await checks.verify(async () => Math.fround(1.1), () => undefined);
    const status = checks.status() as { pending: unknown[]; recent: { outcome: string }[] };
    expect(status.pending).toEqual([]);
    expect(status.recent.map((c) => c.outcome)).toEqual(['applied']);
  });
});

describe('WriteChecks log line', () => {
  it('bounds a huge array value sent and read back', async () => {
    const checks = new WriteChecks();
    const huge = Array.from({ length: 100_000 }, (_, i) => i);
    checks.add('table', 'ns=1;s=table', huge);
    const logs: string[] = [];
    await checks.verify(async () => [...huge, 1], (m) => logs.push(m));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/was not applied/);
    expect(logs[0].length).toBeLessThan(1000);
  });
});

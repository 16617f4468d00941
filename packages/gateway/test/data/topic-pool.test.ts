// The topic pool with a fake transport (unit): reuse, LRU eviction, idle sweep, the cold-wait cap,
// no waiting without publishers, and pinned entries for listeners.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@medkit/sovd';
import { ColdWaitCapError, TopicPool, type TopicTransport } from '../../src/data/topic-pool.js';

function fakeTransport() {
  const open = new Map<string, (v: Record<string, unknown>) => void>();
  let opened = 0;
  const t: TopicTransport = {
    subscribe(topic, _type, onMessage) {
      opened++;
      open.set(topic, onMessage);
      return { close: () => open.delete(topic) };
    },
  };
  return { t, open, emit: (topic: string, v: Record<string, unknown>) => open.get(topic)?.(v), opened: () => opened };
}

const opts = { maxPoolSize: 2, coldWaitCap: 1, idleMs: 1000, sweepMs: 1000 };

describe('topic pool', () => {
  it('waits for the first message, then answers from the latest without a new subscription', async () => {
    const f = fakeTransport();
    const pool = new TopicPool(f.t, opts);
    const p = pool.latest('/a', 'T', { timeoutMs: 5000, wait: true });
    f.emit('/a', { x: 1 });
    expect((await p)?.value).toEqual({ x: 1 });
    f.emit('/a', { x: 2 });
    expect((await pool.latest('/a', 'T', { timeoutMs: 5000, wait: true }))?.value).toEqual({ x: 2 });
    expect(f.opened()).toBe(1);
    pool.close();
    expect(f.open.size).toBe(0);
  });

  it('does not wait when told there are no publishers, and gives up after the timeout', async () => {
    const pool = new TopicPool(fakeTransport().t, opts);
    expect(await pool.latest('/a', 'T', { timeoutMs: 5000, wait: false })).toBeUndefined();
    expect(await pool.latest('/a', 'T', { timeoutMs: 10, wait: true })).toBeUndefined();
    pool.close();
  });

  it('evicts the least recently used entry at max_pool_size', async () => {
    const f = fakeTransport();
    const pool = new TopicPool(f.t, { ...opts, coldWaitCap: 0 });
    await pool.latest('/a', 'T', { timeoutMs: 0, wait: false });
    await pool.latest('/b', 'T', { timeoutMs: 0, wait: false });
    await pool.latest('/a', 'T', { timeoutMs: 0, wait: false });
    await pool.latest('/c', 'T', { timeoutMs: 0, wait: false });
    expect(pool.has('/a', 'T')).toBe(true);
    expect(pool.has('/b', 'T')).toBe(false);
    expect(pool.stats().evictions).toBe(1);
    pool.close();
  });

  it('rejects cold waits beyond the cap, and 0 means no cap', async () => {
    const f = fakeTransport();
    const pool = new TopicPool(f.t, opts);
    const first = pool.latest('/a', 'T', { timeoutMs: 5000, wait: true });
    await expect(pool.latest('/b', 'T', { timeoutMs: 5000, wait: true })).rejects.toBeInstanceOf(ColdWaitCapError);
    f.emit('/a', { ok: true });
    await first;
    expect(pool.stats().rejected_cold_waits).toBe(1);
    pool.close();
    const open = new TopicPool(fakeTransport().t, { ...opts, coldWaitCap: 0, maxPoolSize: 10 });
    const waits = [1, 2, 3].map((i) => open.latest(`/t${i}`, 'T', { timeoutMs: 5, wait: true }));
    expect(await Promise.all(waits)).toEqual([undefined, undefined, undefined]);
    open.close();
  });

  it('sweeps idle entries but keeps entries with listeners', async () => {
    // Only the wall clock moves (setWallNs): the sweep timer stays put, so each sweep below is the test's own.
    const clock = new ManualClock(0n);
    const f = fakeTransport();
    const pool = new TopicPool(f.t, { ...opts, coldWaitCap: 0, maxPoolSize: 10, clock });
    await pool.latest('/idle', 'T', { timeoutMs: 0, wait: false });
    const seen: unknown[] = [];
    const stop = pool.listen('/live', 'T', (s) => seen.push(s.value));
    clock.setWallNs(5000n * 1_000_000n);
    expect(pool.sweep()).toBe(1);
    expect(pool.has('/idle', 'T')).toBe(false);
    f.emit('/live', { v: 1 });
    expect(seen).toEqual([{ v: 1 }]);
    stop();
    clock.setWallNs(10_000n * 1_000_000n);
    expect(pool.sweep()).toBe(1);
    pool.close();
  });
});

// When a ros_discovery_info writer is read again (discovery-info-rereads.ts), on vitest's fake timers: only after a
// sample changed what the writer said, a second after it, at most once every 15 s per writer, never after its
// participant left or the reader closed. The loopback case in client-loopback.test.ts undoes a forged sample.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DiscoveryInfoRereads, REREAD_DELAY_MS, REREAD_MIN_INTERVAL_MS } from '../src/client/discovery-info-rereads.js';

const W = `${'ab'.repeat(12)}00000107`;
const V = `${'cd'.repeat(12)}00000107`;

describe('DiscoveryInfoRereads', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads a writer again a second after a change, at most once every 15 s, and not for a repeat', () => {
    const asked: string[] = [];
    const r = new DiscoveryInfoRereads((g) => (asked.push(g), true));
    r.taken(W, Buffer.from('a'), Date.now());
    r.taken(W, Buffer.from('a'), Date.now());
    vi.advanceTimersByTime(60_000);
    expect(asked).toEqual([]); // the first sample and its repeat: nothing changed
    r.taken(W, Buffer.from('b'), Date.now());
    vi.advanceTimersByTime(REREAD_DELAY_MS - 1);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(asked).toEqual([W]);
    // Changes right after (the read's own sample among them) wait for the 15 s interval, and are read once.
    r.taken(W, Buffer.from('a'), Date.now());
    r.taken(W, Buffer.from('c'), Date.now());
    vi.advanceTimersByTime(REREAD_MIN_INTERVAL_MS - 2);
    expect(asked).toEqual([W]);
    vi.advanceTimersByTime(2);
    expect(asked).toEqual([W, W]);
    expect(r.rereads).toBe(2);
  });

  it('forgets the writers of a participant that left, and everything when closed', () => {
    const asked: string[] = [];
    const r = new DiscoveryInfoRereads((g) => (asked.push(g), true));
    for (const g of [W, V]) {
      r.taken(g, Buffer.from('a'), Date.now());
      r.taken(g, Buffer.from('b'), Date.now());
    }
    r.forgetParticipant(W.slice(0, 24));
    vi.advanceTimersByTime(REREAD_DELAY_MS);
    expect(asked).toEqual([V]);
    r.taken(V, Buffer.from('c'), Date.now());
    r.close();
    vi.advanceTimersByTime(REREAD_MIN_INTERVAL_MS);
    expect(asked).toEqual([V]);
  });
});

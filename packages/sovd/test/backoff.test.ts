// The retry schedule alone: it computes delays and never sleeps, so these tests use no clock; the jitter's
// randomness is injected.
import { describe, expect, it } from 'vitest';
import { Backoff } from '@medkit/sovd';

/** The next `n` delays of a schedule. */
const take = (b: Backoff, n: number) => Array.from({ length: n }, () => b.next());

describe('Backoff', () => {
  it('starts at initialMs, multiplies by the factor (default 2) and stops at maxMs', () => {
    expect(take(new Backoff({ initialMs: 100, maxMs: 1000 }), 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(take(new Backoff({ initialMs: 100, maxMs: 1000, factor: 3 }), 4)).toEqual([100, 300, 900, 1000]);
  });

  it('retries at a fixed pace with factor 1', () => {
    expect(take(new Backoff({ initialMs: 1000, maxMs: 1000, factor: 1 }), 3)).toEqual([1000, 1000, 1000]);
  });

  it('caps even the first delay at maxMs', () => {
    expect(take(new Backoff({ initialMs: 60_000, maxMs: 30_000 }), 2)).toEqual([30_000, 30_000]);
  });

  it('starts over after reset (a success)', () => {
    const b = new Backoff({ initialMs: 250, maxMs: 10_000 });
    take(b, 3);
    expect(b.current).toBe(2000);
    b.reset();
    expect(b.current).toBe(250);
    expect(take(b, 2)).toEqual([250, 500]);
  });

  it('bounds one delay per call without changing how the schedule grows', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 5000 });
    expect(b.next({ atMost: 250 })).toBe(100);
    expect(b.next({ atMost: 250 })).toBe(200);
    expect(b.next({ atMost: 250 })).toBe(250);
    expect(b.next()).toBe(800);
    // A floor (a server's retry advice) wins over a shorter delay, still under the ceiling.
    expect(b.next({ atLeast: 3000 })).toBe(3000);
    expect(b.next({ atLeast: 9000 })).toBe(5000);
  });

  it('jitters each delay by a factor drawn from [min, max], rounded, from the injected random source', () => {
    const draws = [0, 0.5, 0.999];
    const b = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: { min: 0.5, max: 1 }, random: () => draws.shift() ?? 0 });
    expect(take(b, 3)).toEqual([500, 1500, 3998]);
    // The schedule under the jitter is unchanged.
    expect(b.current).toBe(8000);
  });
});

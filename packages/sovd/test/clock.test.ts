// The injected clock (issue 58): a ManualClock fires due timers in time order as the test advances it, intervals
// re-arm, cleared timers never fire, advanceAsync lets promises settle between timers; the system clock's wall and
// monotonic times agree with the host's.
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '@medkit/sovd';

describe('ManualClock', () => {
  it('fires due timers in time order (ties in the order set), moving both clocks to each one', () => {
    const c = new ManualClock(1_000_000_000n);
    const fired: string[] = [];
    c.setTimeout(() => fired.push(`b@${c.monoMs()}`), 20);
    c.setTimeout(() => fired.push(`a@${c.monoMs()}`), 10);
    c.setTimeout(() => fired.push(`a2@${c.monoMs()}`), 10);
    const late = c.setTimeout(() => fired.push('never'), 15);
    c.clear(late);
    c.advance(5);
    expect(fired).toEqual([]);
    c.advance(20);
    expect(fired).toEqual(['a@10', 'a2@10', 'b@20']);
    expect(c.monoMs()).toBe(25);
    expect(c.wallNs()).toBe(1_000_000_000n + 25_000_000n);
    expect(c.now()).toBe(1025);
    expect(c.pendingTimers).toBe(0);
  });

  it('re-arms intervals, runs a timer set by a firing one within the same advance, and forgets cleared ones', () => {
    const c = new ManualClock();
    const ticks: number[] = [];
    const every = c.setInterval(() => {
      ticks.push(c.monoMs());
      if (ticks.length === 2) c.setTimeout(() => ticks.push(-c.monoMs()), 1);
    }, 10);
    c.advance(35);
    expect(ticks).toEqual([10, 20, -21, 30]);
    c.clear(every);
    c.advance(100);
    expect(ticks).toHaveLength(4);
  });

  it('lets promises settle between timers with advanceAsync', async () => {
    const c = new ManualClock();
    const seen: string[] = [];
    const passed = (ms: number) => new Promise<void>((r) => c.setTimeout(r, ms));
    const task = (async () => {
      await passed(10);
      seen.push(`one@${c.monoMs()}`);
      await passed(10); // set only after the first timer's promise settled
      seen.push(`two@${c.monoMs()}`);
    })();
    await c.advanceAsync(30);
    await task;
    expect(seen).toEqual(['one@10', 'two@20']);
    expect(c.monoMs()).toBe(30);
  });
});

describe('systemClock', () => {
  it('reads the host clocks and runs real timers, which can be cleared', async () => {
    const c = systemClock();
    const before = Date.now();
    expect(Math.abs(c.now() - before)).toBeLessThan(1000);
    expect(Number(c.wallNs() / 1_000_000n) - before).toBeLessThan(1000);
    expect(c.monoMs()).toBeGreaterThan(0);
    const cleared = c.setTimeout(() => expect.unreachable('a cleared timer fired'), 0);
    c.clear(cleared);
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const every = c.setInterval(() => {
        if (++ticks === 2) {
          c.clear(every);
          resolve();
        }
      }, 1);
    });
    expect(ticks).toBe(2);
  });
});

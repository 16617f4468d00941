import { describe, expect, it } from 'vitest';
import { createLimiter } from '../src/api/limiter';

/** A task that finishes when `release` is called. */
function gate<T>(value: T) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { task: async () => (await done, value), release };
}

describe('request limiter', () => {
  it('runs at most `max` tasks at once, in order, and starts the next when one ends', async () => {
    const lim = createLimiter(2);
    const gates = [gate(1), gate(2), gate(3)];
    const started: number[] = [];
    const results = gates.map((g, i) => lim.run(() => (started.push(i), g.task())));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(lim.active).toBe(2);
    gates[1].release();
    expect(await results[1]).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    gates[0].release();
    gates[2].release();
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
    expect(lim.active).toBe(0);
  });

  it('drops a queued task whose signal aborts, and frees the slot of a failed task', async () => {
    const lim = createLimiter(1);
    const first = gate('a');
    const running = lim.run(first.task);
    const ctl = new AbortController();
    let ran = false;
    const queued = lim.run(async () => ((ran = true), 'b'), ctl.signal);
    ctl.abort(new Error('left the page'));
    await expect(queued).rejects.toThrow('left the page');
    first.release();
    await running;
    await expect(lim.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lim.run(async () => 'after')).toBe('after');
    expect(ran).toBe(false);
  });
});

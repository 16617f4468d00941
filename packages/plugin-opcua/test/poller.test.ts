// The polling loop of the opcua data path and the ROS republisher, at unit level: chunked reads, never two
// cycles at once against a server slower than the interval (ticks skipped and counted), a failed read ends
// its cycle and is counted without stopping the loop; a publisher that throws never reaches the bridge.
// The poller runs on a ManualClock: time moves only when the test advances it (issue 58), never a real sleep.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@medkit/plugin-api';
import { Poller, type PollStats } from '../src/poller.js';
import { float32Of, RosRepublisher } from '../src/ros-republish.js';
import type { PluginRosAccess } from '@medkit/plugin-api';

const stats = (): PollStats => ({ poll_count: 0, error_count: 0, skipped_count: 0 });
/** Moves the clock in `stepMs` steps (promises settle between timers) until `cond` holds, at most 500 steps. */
const until = async (clock: ManualClock, cond: () => boolean, stepMs = 10) => {
  for (let i = 0; i < 500 && !cond(); i++) await clock.advanceAsync(stepMs);
  expect(cond()).toBe(true);
};

describe('opcua poller', () => {
  it('reads every item in chunks and delivers each result to its item', async () => {
    const items = Array.from({ length: 1201 }, (_, i) => i);
    const sizes: number[] = [];
    const got = new Map<number, unknown>();
    const s = stats();
    const p = new Poller(items, {
      intervalMs: 60_000,
      chunk: 500,
      read: async (chunk) => (sizes.push(chunk.length), chunk.map((i) => i * 2)),
      deliver: (item, r) => got.set(item, r),
      stats: s,
    });
    await p.start();
    p.stop();
    expect(sizes).toEqual([500, 500, 201]);
    expect(got.size).toBe(1201);
    expect(got.get(1200)).toBe(2400);
    expect(s).toMatchObject({ poll_count: 1, error_count: 0 });
  });

  it('never overlaps itself when the server is slower than the interval', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const s = stats();
    const clock = new ManualClock();
    const p = new Poller([1, 2, 3], {
      intervalMs: 5,
      chunk: 2,
      clock,
      read: async (chunk) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => clock.setTimeout(() => r(undefined), 25)); // every read is slower than the whole interval
        inFlight--;
        return chunk;
      },
      deliver: () => {},
      stats: s,
    });
    const started = p.start(); // the first cycle's reads wait on the clock
    await until(clock, () => s.poll_count >= 4, 5);
    await started;
    p.stop();
    expect(maxInFlight).toBe(1);
    expect(s.skipped_count).toBeGreaterThan(0);
  });

  it('counts a failed read, ends that cycle and keeps polling', async () => {
    let calls = 0;
    const delivered: number[] = [];
    const s = stats();
    const clock = new ManualClock();
    const p = new Poller([1, 2, 3, 4], {
      intervalMs: 5,
      chunk: 2,
      clock,
      read: async (chunk) => {
        calls++;
        if (calls === 2) throw new Error('opcua read: deadline of 3000 ms exceeded');
        return chunk;
      },
      deliver: (i) => delivered.push(i),
      stats: s,
    });
    await p.start();
    expect(s).toMatchObject({ poll_count: 0, error_count: 1, last_error: 'opcua read: deadline of 3000 ms exceeded' });
    expect(delivered).toEqual([1, 2]); // the second chunk failed: the cycle ended there
    await until(clock, () => s.poll_count >= 1, 5);
    p.stop();
    const n = calls;
    await clock.advanceAsync(30);
    expect(calls).toBe(n); // stopped: no more reads
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('opcua ROS republisher', () => {
  const log = { warnings: [] as string[], info: () => {}, warn(m: string) { this.warnings.push(m); }, error: () => {} };

  it('turns samples into Float32 data: numbers, booleans as 0/1, 64-bit strings; skips text', () => {
    expect([1.5, true, false, '9007199254740993', 'hot', null, [1]].map(float32Of)).toEqual([1.5, 1, 0, 9007199254740992, undefined, undefined, undefined]);
  });

  it('never throws: no ROS, a publisher that cannot be created, a publish that fails', () => {
    const none = new RosRepublisher(() => undefined, log);
    expect(() => none.publish('/plc/a', 1)).not.toThrow();
    const broken = new RosRepublisher(() => ({ advertise: () => { throw new Error('no such type'); } }) as unknown as PluginRosAccess, log);
    expect(() => broken.publish('/plc/a', 1)).not.toThrow();
    expect(broken.failures).toBe(1);
    const sent: unknown[] = [];
    let fail = true;
    const pub = { topic: '/plc/b', type: 'std_msgs/msg/Float32', subscriptionCount: 0, close: () => {}, publish: (m: unknown) => { if (fail) throw new Error('socket closed'); sent.push(m); } };
    const flaky = new RosRepublisher(() => ({ advertise: () => pub }) as unknown as PluginRosAccess, log);
    for (let i = 0; i < 5; i++) flaky.publish('/plc/b', i);
    fail = false;
    flaky.publish('/plc/b', 42);
    flaky.publish('/plc/b', 'not a number');
    expect(sent).toEqual([{ data: 42 }]);
    expect(flaky.failures).toBe(5);
    expect(flaky.published).toBe(1);
    expect(log.warnings.filter((w) => w.includes('/plc/b'))).toHaveLength(1); // logged once per topic, then counted
    expect(log.warnings.some((w) => w.includes('without ROS'))).toBe(true);
  });
});

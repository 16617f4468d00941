// The topic beacon's receive path (docs/beacons.md) on injected clocks: per-publisher token buckets
// with bounded state, stamp back-projection, validation of hostile messages.
import { describe, expect, it } from 'vitest';
import { PublisherRateLimiter, TokenBucket } from '../src/topic/rate-limit.js';
import { seenAt } from '../src/topic/receive.js';
import { TopicBeaconPlugin } from '../src/topic/plugin.js';
import { rosTopicBeaconDeps, topicBeaconModule } from '../src/index.js';
import { ManualClock } from '@medkit/plugin-api';

describe('token buckets', () => {
  it('refills continuously and drops the excess', () => {
    const b = new TokenBucket(10, 10, 0);
    let ok = 0;
    for (let i = 0; i < 25; i++) if (b.take(0)) ok++;
    expect(ok).toBe(10);
    expect(b.take(50)).toBe(false);
    expect(b.take(100)).toBe(true); // 0.1 s at 10/s = 1 token
    expect(b.take(100)).toBe(false);
  });

  it('limits each publisher on its own, bounds the table, and caps the total at 10× the rate', () => {
    let t = 0;
    const l = new PublisherRateLimiter({ perPublisherPerSec: 5, maxPublishers: 3, now: () => t });
    const count = (pub: string, n: number) => Array.from({ length: n }, () => l.allow(pub)).filter(Boolean).length;
    expect(count('flood', 100)).toBe(5);
    expect(count('quiet', 1)).toBe(1);
    for (let i = 0; i < 10; i++) count(`p${i}`, 1);
    expect(l.publishers).toBe(3);
    // 50 publishers at 5 each would be 250; the global bucket lets 50 through per second.
    t = 10_000;
    let total = 0;
    for (let i = 0; i < 50; i++) total += count(`x${i}`, 5);
    expect(total).toBe(50);
    expect(new PublisherRateLimiter({ perPublisherPerSec: 0 }).rate).toBe(1);
  });
});

describe('stamp back-projection', () => {
  it('zero stamp = receive time, past stamp = older, future stamp = just received', () => {
    const wall = 1_700_000_000_000;
    expect(seenAt({ sec: 0, nanosec: 0 }, wall, 5000)).toBe(5000);
    expect(seenAt(undefined, wall, 5000)).toBe(5000);
    expect(seenAt({ sec: 1_699_999_998, nanosec: 500_000_000 }, wall, 5000)).toBe(3500);
    expect(seenAt({ sec: 1_700_000_100, nanosec: 0 }, wall, 5000)).toBe(5000);
    expect(seenAt({ sec: 'x', nanosec: null }, wall, 5000)).toBe(5000);
  });
});

describe('topic beacon receive', () => {
  const make = (rate = 100) => {
    let mono = 100_000;
    const wall = 1_700_000_000_000;
    const p = new TopicBeaconPlugin({ clock: () => mono, wallClock: () => wall + mono });
    p.configure({ beacon_ttl_sec: 10, beacon_expiry_sec: 30, max_messages_per_second: rate });
    return { p, advance: (s: number) => (mono += s * 1000), wall: () => wall + mono };
  };

  it('stores a hint with its back-projected age; stale past the TTL; gone past expiry', () => {
    const { p, advance, wall } = make();
    const stampSec = Math.floor((wall() - 4000) / 1000);
    p.receive({ entity_id: 'cam', display_name: 'Camera', stamp: { sec: stampSec, nanosec: 0 }, metadata: [{ key: 'fps', value: '30' }] }, { publisher: 'g1' });
    expect(p.hint('cam')).toMatchObject({ status: 'active', hint: { display_name: 'Camera', metadata: { fps: '30' } } });
    expect(p.hint('cam')!.ageSec).toBeGreaterThanOrEqual(4);
    advance(6);
    expect(p.hint('cam')?.status).toBe('stale');
    advance(20);
    expect(p.hint('cam')).toBeUndefined();
  });

  it('rejects malformed and hostile messages without storing them, and rate-limits a flooding publisher', () => {
    const { p } = make(5);
    p.receive({ entity_id: '' }, { publisher: 'g' });
    p.receive({ entity_id: 'x'.repeat(100_000) }, { publisher: 'g' });
    p.receive({ entity_id: 'ok', metadata: 'not a list', function_ids: { length: 1e9 } }, { publisher: 'g' });
    expect(p.counters).toMatchObject({ received: 3, invalid: 2, stored: 1 });
    expect(p.hint('ok')?.hint).toMatchObject({ metadata: {}, function_ids: [] });
    for (let i = 0; i < 1000; i++) p.receive({ entity_id: `e${i}` }, { publisher: 'flood' });
    expect(p.limiter.dropped).toBeGreaterThanOrEqual(995);
    expect(p.counters.received).toBeLessThanOrEqual(3 + 5);
  });
});

describe('beacon process ids reach the introspection plugins', () => {
  it('hands the process_id of live hints to the shared hints (by entity), and forgets them when the hint goes stale', async () => {
    const { ProcessIdHints } = await import('@medkit/gateway');
    const hints = new ProcessIdHints();
    // The built-in module (what BUILTIN_PLUGINS.topic_beacon loads: topicBeaconModule() on the context's ROS
    // access), on a ManualClock so that the hint goes stale when the test moves time, not after a real second.
    const clock = new ManualClock();
    const mod = topicBeaconModule({ ...rosTopicBeaconDeps, clock: () => clock.monoMs(), wallClock: () => clock.now() });
    const plugin = mod.createPlugin() as TopicBeaconPlugin;
    await plugin.configure({ beacon_ttl_sec: 1, beacon_expiry_sec: 3600 });
    // The part of the gateway's context this path uses: the process ids go to the host's shared hints.
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    plugin.setContext({ log, registerCapability: () => {}, ros: () => undefined, notifyEntitiesChanged: async () => {}, reportProcessIds: (pids: ReadonlyMap<string, number>) => hints.set(plugin.name(), pids) } as never);
    const input = { areas: [], components: [], apps: [], functions: [] };
    plugin.receive({ entity_id: 'cam', process_id: 4242, stamp: { sec: 0, nanosec: 0 } }, { publisher: 'g1' });
    plugin.receive({ entity_id: 'no_pid', stamp: { sec: 0, nanosec: 0 } }, { publisher: 'g2' });
    plugin.introspect(input as never);
    expect(hints.pidOf('cam')).toEqual({ pid: 4242, source: 'topic_beacon' });
    expect(hints.pidOf('no_pid')).toBeUndefined();
    clock.advance(1100); // past beacon_ttl_sec
    plugin.introspect(input as never);
    expect(hints.pidOf('cam')).toBeUndefined();
    await plugin.shutdown();
  });
});

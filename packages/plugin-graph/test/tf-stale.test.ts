// Unit tests of `tf_stale` (docs/graph.md): the frame tree from /tf and /tf_static, stale pairs and chains,
// frames whose parent vanished, healing, and hostile transforms (names, stamps, floods, cycles).
import { describe, expect, it } from 'vitest';
import { FrameTree } from '../src/watchdog/tf/frame-tree.js';
import { GRAPH_TF_STALE, TF_TYPE, TfStaleDetector, type TfStaleSettings } from '../src/watchdog/tf/tf-stale.js';
import { TopicFeeds } from '../src/watchdog/feeds.js';
import { ageMicros, stampNanos } from '../src/watchdog/stamp.js';
import { readWatchdogConfig } from '../src/watchdog/config.js';
import type { SweepInput } from '../src/watchdog/detectors/detector.js';
import { fakeTopics, stampBefore, tf } from './fake-topics.js';

const NOW = 1_800_000_000_123_456_789n;

function setup(over: Partial<TfStaleSettings> = {}) {
  const t = fakeTopics();
  let now = NOW;
  const det = new TfStaleDetector({ grace: 1, pairs: [], vanishAfterMs: 0, maxFrames: 64, now: () => now, ...over }, new TopicFeeds({ maxTopics: 8, maxMessageBytes: 1 << 20 }));
  t.publish('/tf', 'w-tf', TF_TYPE);
  t.publish('/tf_static', 'w-static', TF_TYPE);
  let tick = 0;
  const sweep = () => det.sweep({ tick: ++tick, topology: { nodes: [], topics: [], truncated: false }, armed: () => true, ros: t.ros } as SweepInput);
  sweep(); // subscribes
  return { t, det, sweep, advance: (ms: number) => (now += BigInt(ms) * 1_000_000n), now: () => now };
}

describe('stamps', () => {
  it('are exact 64-bit nanoseconds; invalid ones are refused', () => {
    expect(stampNanos({ sec: 1_800_000_000, nanosec: 123_456_789 })).toBe(1_800_000_000_123_456_789n);
    expect(stampNanos({ sec: '9223372036', nanosec: 0 })).toBe(9_223_372_036_000_000_000n);
    for (const bad of [{ sec: 1, nanosec: 1_000_000_000 }, { sec: 1.5, nanosec: 0 }, { sec: 1, nanosec: -1 }, { sec: 'x', nanosec: 0 }, null, 'now']) expect(stampNanos(bad)).toBeUndefined();
    // A stamp 1 ns apart stays 1 ns apart at today's magnitude (a double would not tell them apart).
    expect(stampNanos({ sec: 1_800_000_000, nanosec: 1 })! - stampNanos({ sec: 1_800_000_000, nanosec: 0 })!).toBe(1n);
    expect(ageMicros(NOW, 0n)).toBe(1_000_000_000_000_000); // clamped: stays an exact integer
  });
});

describe('frame tree', () => {
  it('finds the path between two frames through their common ancestor', () => {
    const tree = new FrameTree(16);
    tree.ingest([tf('map', 'odom', { sec: 1, nanosec: 0 }), tf('odom', 'base_link', { sec: 2, nanosec: 0 }), tf('base_link', 'laser', { sec: 3, nanosec: 0 }), tf('base_link', 'camera', { sec: 3, nanosec: 0 })], false, 'w');
    const p = tree.path('laser', 'camera');
    expect(p.kind === 'path' && p.edges.map(([c]) => c)).toEqual(['laser', 'camera']);
    const q = tree.path('map', 'laser');
    expect(q.kind === 'path' && q.edges.map(([c]) => c)).toEqual(['laser', 'base_link', 'odom']);
    expect(tree.path('map', 'nowhere')).toEqual({ kind: 'unknown', frame: 'nowhere' });
    tree.ingest([tf('world', 'other', { sec: 1, nanosec: 0 })], false, 'w');
    expect(tree.path('other', 'laser')).toEqual({ kind: 'disconnected', roots: ['world', 'map'] });
  });

  it('survives hostile input: cycles, self-parents, long names, bad stamps, more frames than it holds', () => {
    const tree = new FrameTree(4);
    tree.ingest([tf('a', 'b', { sec: 1, nanosec: 0 }), tf('b', 'a', { sec: 1, nanosec: 0 }), tf('c', 'c', { sec: 1, nanosec: 0 }), tf('x'.repeat(300), 'd', { sec: 1, nanosec: 0 }), tf('a', 'e', { sec: 'soon', nanosec: 0 }), { child_frame_id: 3 }, null], false, 'w');
    expect(tree.size).toBe(2);
    expect(tree.refused).toBe(5);
    expect(tree.path('a', 'b').kind).toBe('path'); // a cycle ends the walk instead of looping
    tree.ingest(Array.from({ length: 10_000 }, (_, i) => tf('a', `f${i}`, { sec: 1, nanosec: 0 })), false, 'w');
    expect(tree.size).toBe(4);
    expect(tree.refused).toBe(5 + 2 + (10_000 - 4));
  });

  it('a late, older sample does not move a transform back; a static one replaces a dynamic one', () => {
    const tree = new FrameTree(8);
    tree.ingest([tf('/odom', 'base', { sec: 10, nanosec: 0 })], false, 'w');
    tree.ingest([tf('odom', 'base', { sec: 5, nanosec: 0 })], false, 'w');
    expect(tree.edge('base')).toMatchObject({ parent: 'odom', stamp: 10_000_000_000n, isStatic: false });
    tree.ingest([tf('odom', 'base', { sec: 1, nanosec: 0 })], true, 's');
    expect(tree.edge('base')).toMatchObject({ isStatic: true, writer: 's' });
  });
});

describe('tf_stale detector', () => {
  it('subscribes to /tf and /tf_static with their type once they have publishers', () => {
    const { t } = setup();
    expect(t.subscribeCalls.sort()).toEqual([`/tf ${TF_TYPE}`, `/tf_static ${TF_TYPE}`]);
  });

  it('raises for a pair older than its budget, naming both frames, and heals when fresh again', () => {
    const s = setup({ pairs: [{ parent: 'odom', child: 'laser', budgetMs: 200 }] });
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 10))] }, 'w-tf');
    s.t.emit('/tf_static', { transforms: [tf('base_link', 'laser', stampBefore(s.now(), 60_000))] }, 'w-static');
    expect(s.sweep()).toEqual([]); // the static link is old but never stale
    s.advance(500);
    const f = s.sweep();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: GRAPH_TF_STALE, severity: 2, subject: 'pair:odom>laser' });
    expect(f[0].text).toBe('transform odom → laser is 510.0 ms old (budget 200 ms; oldest link odom → base_link)');
    expect(s.det.status()).toMatchObject({ frames: 2, static_frames: 1, pairs: [{ parent: 'odom', child: 'laser', age_ms: 510, stale: true }] });
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 5))] }, 'w-tf');
    expect(s.sweep()).toEqual([]);
  });

  it('a configured chain checks every consecutive pair', () => {
    const cfg = readWatchdogConfig({ detectors: { tf_stale: { chains: [{ frames: ['map', 'odom', 'base_link'], budget_ms: 100 }] } } }, () => {});
    expect(cfg.detectors.tf_stale).toMatchObject({ mode: 'raise', pairs: [{ parent: 'map', child: 'odom', budgetMs: 100 }, { parent: 'odom', child: 'base_link', budgetMs: 100 }] });
    const s = setup({ pairs: cfg.detectors.tf_stale.pairs });
    s.t.emit('/tf', { transforms: [tf('map', 'odom', stampBefore(s.now(), 1000)), tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    expect(s.sweep().map((f) => f.subject)).toEqual(['pair:map>odom']);
  });

  it('frames not connected are a finding only a whole budget after the first transform arrived', () => {
    const s = setup({ pairs: [{ parent: 'map', child: 'base_link', budgetMs: 1000 }] });
    s.advance(5000);
    expect(s.sweep()).toEqual([]); // nothing received yet: discovery may not be done
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    expect(s.sweep()).toEqual([]);
    s.advance(1500);
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    expect(s.sweep()[0].text).toBe('no transform map → base_link: frame map is not in the tree');
  });

  it('a frame whose parent left with its publisher raises, naming frame and parent; it heals when the parent is back', () => {
    const s = setup();
    s.t.publish('/tf', 'w-map', TF_TYPE);
    s.t.emit('/tf', { transforms: [tf('map', 'odom', stampBefore(s.now(), 1))] }, 'w-map');
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    expect(s.sweep()).toEqual([]);
    s.t.unpublish('/tf', 'w-map');
    const f = s.sweep();
    expect(f).toEqual([expect.objectContaining({ code: GRAPH_TF_STALE, subject: 'orphan:base_link', text: 'frame base_link: its parent odom vanished (the transform map → odom left with its publisher)' })]);
    s.t.publish('/tf', 'w-map', TF_TYPE);
    s.t.emit('/tf', { transforms: [tf('map', 'odom', stampBefore(s.now(), 1))] }, 'w-map');
    expect(s.sweep()).toEqual([]);
  });

  it('with vanish_after_ms a transform not refreshed leaves the tree and orphans its children', () => {
    const s = setup({ vanishAfterMs: 300 });
    s.t.emit('/tf', { transforms: [tf('map', 'odom', stampBefore(s.now(), 1)), tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    s.advance(400);
    s.t.emit('/tf', { transforms: [tf('odom', 'base_link', stampBefore(s.now(), 1))] }, 'w-tf');
    expect(s.sweep()[0].text).toBe('frame base_link: its parent odom vanished (the transform map → odom was not refreshed for 401.0 ms)');
  });
});

describe('tf_stale configuration', () => {
  it('is off without pairs or chains, unless a mode is set', () => {
    expect(readWatchdogConfig({}, () => {}).detectors.tf_stale.mode).toBe('off');
    expect(readWatchdogConfig({ detectors: { tf_stale: { mode: 'raise' } } }, () => {}).detectors.tf_stale.mode).toBe('raise');
  });

  it('refuses hostile values, naming the key', () => {
    const read = (tfStale: unknown) => () => readWatchdogConfig({ detectors: { tf_stale: tfStale } }, () => {});
    expect(read({ pairs: [{ parent: 'a', child: 'b', budget_ms: -1 }] })).toThrow(/tf_stale\.pairs\[0\]\.budget_ms/);
    expect(read({ pairs: [{ parent: 'a', child: 'b', budgt_ms: 5 }] })).toThrow(/pairs\[0\]\.budgt_ms: unknown key/);
    expect(read({ pairs: [{ parent: 'x'.repeat(257), child: 'b' }] })).toThrow(/pairs\[0\]\.parent/);
    expect(read({ chains: [{ frames: ['only'] }] })).toThrow(/chains\[0\]\.frames/);
    expect(read({ max_pairs: 2, chains: [{ frames: ['a', 'b', 'c', 'd'] }] })).toThrow(/more than max_pairs 2/);
    expect(read({ max_frames: 1e9 })).toThrow(/max_frames/);
    expect(read({ pairs: 'odom>base' })).toThrow(/pairs: must be a list/);
    expect(read({ pairs: Array.from({ length: 300 }, () => ({ parent: 'a', child: 'b' })) })).toThrow(/more than 256 entries/);
  });
});

// The data tab's topic view (issue 56), its pure parts: a stream event read tolerantly (the typed client's parse), laid over the plot's
// history; the rate line as ros2 topic hz says it, the bandwidth; a message as an indented field tree with units.
import { describe, expect, it } from 'vitest';
import { parseTopicStreamEvent, type SseMessage } from '@medkit/client';
import { addStreamEvent, bandwidthText, rateLine, topicEventView } from '../src/ui/tabs/data-stream';
import { fieldTree, fieldUnit } from '../src/model/field-tree';

/** A message as the tab gets it: the client's typed parse (a throw is reported and skipped by the stream), then the tab's view. */
function parseTopicEvent(m: SseMessage) {
  try {
    const typed = parseTopicStreamEvent(m);
    return typed && topicEventView(typed);
  } catch {
    return undefined;
  }
}

const STATS = { rate_hz: 10.012, interval_min_sec: 0.0981, interval_max_sec: 0.1032, interval_std_sec: 0.00114, window_count: 99, bandwidth_bytes_per_sec: 29120.4, received: 412, dropped: 0 };

describe('topic stream events', () => {
  it('reads sample and stats events and skips anything else', () => {
    const ev = parseTopicEvent({ event: 'sample', data: JSON.stringify({ data: { x: 1.5 }, timestamp: 2e18, age_sec: 0.004, stats: STATS }) });
    expect(ev).toMatchObject({ kind: 'sample', data: { x: 1.5 }, timestampNs: 2e18, ageSec: 0.004, stats: { rateHz: 10.012, window: 99, received: 412, dropped: 0 } });
    expect(parseTopicEvent({ event: 'stats', data: JSON.stringify({ timestamp: null, age_sec: null, stats: { ...STATS, rate_hz: null } }) })).toMatchObject({ kind: 'stats', stats: { rateHz: undefined } });
    expect(parseTopicEvent({ event: 'message', data: '{}' })).toBeUndefined();
    expect(parseTopicEvent({ event: 'sample', data: 'not json' })).toBeUndefined();
  });

  it('adds each streamed message to the plot history and keeps more of them than the polls do', () => {
    let h = { samples: [] as { t: number; fields: Map<string, number> }[] };
    for (let i = 0; i < 700; i++) h = addStreamEvent(h, parseTopicEvent({ event: 'sample', data: JSON.stringify({ data: { v: i }, timestamp: (1000 + i / 30) * 1e9, age_sec: 0.01, stats: STATS }) })!);
    expect(h.samples.length).toBe(600);
    expect(h.samples.at(-1)!.fields.get('v')).toBe(699);
    const aged = addStreamEvent(h, parseTopicEvent({ event: 'stats', data: JSON.stringify({ timestamp: 1, age_sec: 1.5, stats: STATS }) })!);
    expect([aged.samples.length, aged.ageSec]).toEqual([600, 1.5]);
  });

  it('says the rate as ros2 topic hz does, and the bandwidth', () => {
    expect(rateLine(parseTopicEvent({ event: 'stats', data: JSON.stringify({ stats: STATS }) })!.stats)).toBe('rate 10.0 Hz (min 0.0981 s max 0.103 s std 0.00114 s over 99)');
    expect(rateLine({ window: 0, received: 0, dropped: 0 })).toBe('rate — (no message yet)');
    expect(rateLine({ window: 0, received: 5, dropped: 0 })).toBe('rate — (no message in the last 10 s)');
    expect([bandwidthText(29120.4), bandwidthText(512), bandwidthText(2.5e6), bandwidthText(undefined)]).toEqual(['29.1 KB/s', '512 B/s', '2.50 MB/s', '— B/s']);
  });
});

describe('field tree', () => {
  const scan = { header: { stamp: { sec: 1, nanosec: 5 }, frame_id: 'laser' }, angle_min: -3.14159, angle_increment: 0.0174533, scan_time: 0.1, range_max: 12, ranges: Array.from({ length: 360 }, (_, i) => 1 + i / 100), intensities: [] };

  it('nests messages and arrays under their field names, with the units a LaserScan carries', () => {
    const tree = fieldTree(scan, 'sensor_msgs/msg/LaserScan');
    expect(tree.map((n) => n.name)).toEqual(['header', 'angle_min', 'angle_increment', 'scan_time', 'range_max', 'ranges', 'intensities']);
    expect(tree[0].children!.map((n) => n.name)).toEqual(['stamp', 'frame_id']);
    expect(tree[0].children![0].children).toEqual([{ name: 'sec', value: '1' }, { name: 'nanosec', value: '5' }]);
    expect(tree[0].children![1]).toEqual({ name: 'frame_id', value: '"laser"' });
    expect(tree[1]).toEqual({ name: 'angle_min', value: '-3.14159', unit: 'rad' });
    expect(tree[3]).toMatchObject({ unit: 's' });
    const ranges = tree[5];
    expect(ranges).toMatchObject({ unit: 'm', length: 360, more: 352 });
    expect(ranges.children![0]).toEqual({ name: '[0]', value: '1' });
    expect(tree[6]).toMatchObject({ length: 0, children: [] });
  });

  it('takes units from the table by path and from a field name ending in one', () => {
    expect(fieldUnit('nav_msgs/msg/Odometry', 'twist.twist.linear.x')).toBe('m/s');
    expect(fieldUnit('geometry_msgs/msg/Twist', 'angular.z')).toBe('rad/s');
    expect(fieldUnit('my_msgs/msg/Dock', 'distance_m')).toBe('m');
    expect(fieldUnit('my_msgs/msg/Dock', 'heading_rad')).toBe('rad');
    expect(fieldUnit('my_msgs/msg/Dock', 'name')).toBeUndefined();
    expect(fieldUnit(undefined, 'retry_sec')).toBe('s');
  });

  it('is bounded however large the message', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]));
    const count = (ns: ReturnType<typeof fieldTree>): number => ns.reduce((n, c) => n + 1 + count(c.children ?? []), 0);
    expect(count(fieldTree(wide))).toBeLessThanOrEqual(300);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i++) deep = { d: deep };
    expect(count(fieldTree(deep))).toBeLessThanOrEqual(10);
    expect(fieldTree(42)).toEqual([{ name: 'value', value: '42' }]);
  });
});

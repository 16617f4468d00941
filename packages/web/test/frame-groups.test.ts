// Freeze frames as the fault detail lists them (docs/ui.md "Fault detail"): identical captures once, values by
// field path.
import { describe, expect, it } from 'vitest';
import { fieldPathOf, groupFrames, namedFields } from '../src/model/frame-groups';
import type { FrameView } from '../src/model/freeze-frame';

const frame = (at: number, data: unknown, topic = '/cmd_vel_safe'): FrameView => ({
  name: 'cmd_vel_safe', kind: 'topic', topic, capturedAtMs: at, data, fullData: { linear: data, angular: { x: 0, y: 0, z: 0.5 } }, signals: [], charts: [],
});

describe('freeze frame groups', () => {
  it('shows ten identical captures of a topic once, with the count and the span; a different value stays apart', () => {
    const zero = { x: 0, y: 0, z: 0 };
    const frames = [...Array.from({ length: 10 }, (_, i) => frame(1000 + i, zero)), frame(999, { x: 0.4, y: 0, z: 0 }), frame(998, zero, '/odom')];
    const groups = groupFrames(frames);
    expect(groups.map((g) => [g.frame.topic, g.count, g.firstMs, g.lastMs])).toEqual([['/cmd_vel_safe', 10, 1000, 1009], ['/cmd_vel_safe', 1, 999, 999], ['/odom', 1, 998, 998]]);
  });

  it('names the value by the field it is in the message, and its parts by path', () => {
    expect(fieldPathOf({ linear: { x: 0.4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } }, { x: 0.4, y: 0, z: 0 })).toBe('linear');
    expect(fieldPathOf({ header: { stamp: 1 }, percentage: 0.14 }, 0.14)).toBe('percentage');
    expect(fieldPathOf(undefined, 3)).toBe('');
    expect(namedFields({ x: 0.4, y: 0, z: 0 }, 'linear')).toEqual([{ path: 'linear.x', value: '0.4' }, { path: 'linear.y', value: '0' }, { path: 'linear.z', value: '0' }]);
    expect(namedFields(true)).toEqual([{ path: 'value', value: 'true' }]);
    expect(namedFields({ ranges: [1, 2] })).toEqual([{ path: 'ranges[0]', value: '1' }, { path: 'ranges[1]', value: '2' }]);
    expect(namedFields(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i])))).toHaveLength(64);
  });
});

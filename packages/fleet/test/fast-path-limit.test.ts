// The fast path's per-robot rate limit (fleet/src/fast-path.ts), on a clock of its own: a robot gets its rate and
// burst and no more, one robot's flood leaves the others theirs, and the buckets stay bounded however many robot
// ids a publisher invents. The flood on real servers is in fleet-fast-path.test.ts.
import { describe, expect, it } from 'vitest';
import { RobotRateLimit, robotToken } from '../src/fast-path.js';

describe('fast path rate limit', () => {
  it('gives each robot its burst, then its rate, independently of the others', () => {
    const limit = new RobotRateLimit(10);
    const taken = (robot: string, n: number, at: number) => Array.from({ length: n }, () => limit.take(robot, at)).filter(Boolean).length;
    expect(taken('flooder', 100, 0)).toBe(10);
    expect(taken('quiet', 3, 0)).toBe(3);
    // Half a second later: five more for the flooder.
    expect(taken('flooder', 100, 500)).toBe(5);
    // Idle for a minute: the bucket is full again, never above the burst.
    expect(taken('flooder', 100, 60_500)).toBe(10);
  });

  it('tracks a bounded number of robots, forgetting idle ones once a second when full', () => {
    const limit = new RobotRateLimit(10, 3);
    for (const id of ['a', 'b', 'c']) expect(limit.take(id, 0)).toBe(true);
    // Full, and none idle yet (each took a token): a fourth robot is refused.
    expect(limit.take('d', 0)).toBe(false);
    // A second later their buckets have refilled: forgotten, and the newcomer gets in.
    expect(limit.take('d', 1000)).toBe(true);
    // Within the same second a flood of new ids costs no further scan and gets nothing past the bound.
    for (const id of ['e', 'f']) expect(limit.take(id, 1000)).toBe(true);
    expect(limit.take('g', 1001)).toBe(false);
  });

  it('reads the robot token of a subject', () => {
    expect(robotToken('medkit-fast.f.amr-1.faults')).toBe('amr-1');
    expect(robotToken('medkit-fast.f')).toBe('');
  });
});

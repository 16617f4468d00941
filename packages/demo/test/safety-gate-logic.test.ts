// The safety gate's decision and the front-sector reading, without ROS.
import { describe, expect, it } from 'vitest';
import { minFrontRange } from '../src/safety/front-sector.js';
import { DEFAULT_GATE, GateLogic } from '../src/safety/gate-logic.js';

const scan = (ranges: number[], angleMin = -Math.PI) => ({ angle_min: angleMin, angle_increment: (2 * Math.PI) / ranges.length, range_min: 0.12, range_max: 3.5, ranges });

describe('minFrontRange', () => {
  it('takes the closest valid return within the sector ahead and ignores the rest', () => {
    const r = new Array(360).fill(3);
    r[180] = 0.5; // straight ahead (angle 0)
    r[0] = 0.2; // straight behind
    expect(minFrontRange(scan(r), 60)).toBe(0.5);
    r[180] = 3;
    r[180 + 40] = 0.4; // 40° to the left: outside a 60° sector, inside a 90° one
    expect(minFrontRange(scan(r), 60)).toBe(3);
    expect(minFrontRange(scan(r), 90)).toBe(0.4);
  });

  it('skips NaN and out-of-range returns; a blind sector reads as 0 (assume an obstacle)', () => {
    const r = new Array(360).fill(3);
    r[180] = NaN;
    r[181] = 0.05; // below range_min
    r[179] = 9; // above range_max
    expect(minFrontRange(scan(r), 60)).toBe(3);
    expect(minFrontRange(scan(new Array(360).fill(NaN)), 60)).toBe(0);
  });

  it('handles scans whose angles wrap past ±π', () => {
    const r = new Array(360).fill(3);
    r[0] = 0.3; // angle_min = 0 here, so beam 0 is straight ahead
    r[359] = 0.6; // just right of ahead (359° ≡ -1°)
    expect(minFrontRange(scan(r, 0), 10)).toBe(0.3);
    r[0] = 3;
    expect(minFrontRange(scan(r, 0), 10)).toBe(0.6);
  });
});

describe('GateLogic', () => {
  it('holds the robot quietly until the first scan, and raises only when none came within the start-up grace', () => {
    const g = new GateLogic({ ...DEFAULT_GATE, startupGraceMs: 5000, clearScans: 1 }, 0);
    expect(g.stopped).toBe(true);
    expect(g.tick(4000)).toBeNull();
    expect(g.faultActive).toBe(false);
    expect(g.onScan(2.5, 4100)).toBeNull(); // not a heal: nothing was raised
    expect(g.stopped).toBe(false);
    const late = new GateLogic({ ...DEFAULT_GATE, startupGraceMs: 5000 }, 0);
    const ev = late.tick(5100);
    expect(ev && ev.kind === 'raise' && ev.reason).toContain('no scan since start-up');
  });

  it('clamps at the first close scan, raises after confirmScans, releases and heals after clearScans clear scans', () => {
    const g = new GateLogic({ ...DEFAULT_GATE, confirmScans: 2, clearScans: 1 }, 0);
    expect(g.onScan(2.5, 10)).toBeNull();
    expect(g.stopped).toBe(false);
    g.settings = { ...g.settings, clearScans: 3 };
    expect(g.onScan(0.7, 20)).toBeNull();
    expect(g.stopped).toBe(true);
    expect(g.faultActive).toBe(false);
    const ev = g.onScan(0.6, 30);
    expect(ev).toMatchObject({ kind: 'raise' });
    expect(ev && ev.kind === 'raise' && ev.reason).toContain('0.60 m');
    expect(g.onScan(0.5, 40)).toBeNull(); // raised once only
    // In the hysteresis band (0.8–0.9 m) nothing changes and the clear count restarts.
    expect(g.onScan(2, 50)).toBeNull();
    expect(g.onScan(0.85, 60)).toBeNull();
    expect(g.onScan(2, 70)).toBeNull();
    expect(g.onScan(2, 80)).toBeNull();
    expect(g.stopped).toBe(true);
    expect(g.onScan(2, 90)).toEqual({ kind: 'heal' });
    expect(g.stopped).toBe(false);
    expect(g.faultActive).toBe(false);
  });

  it('a single close scan clamps but does not raise; clearing after it does not heal', () => {
    const g = new GateLogic({ ...DEFAULT_GATE, confirmScans: 2, clearScans: 1 }, 0);
    g.onScan(2, 5);
    g.onScan(0.5, 10);
    expect(g.stopped).toBe(true);
    expect(g.onScan(2, 20)).toBeNull();
    expect(g.stopped).toBe(false);
  });

  it('stops and raises at once when the scan goes stale, and heals when fresh clear scans return', () => {
    const g = new GateLogic({ ...DEFAULT_GATE, scanTimeoutMs: 500, clearScans: 1 }, 0);
    g.onScan(3, 0);
    g.settings = { ...g.settings, clearScans: 2 };
    expect(g.tick(400)).toBeNull();
    const ev = g.tick(600);
    expect(ev).toMatchObject({ kind: 'raise' });
    expect(ev && ev.kind === 'raise' && ev.reason).toContain('no scan');
    expect(g.stopped).toBe(true);
    expect(g.tick(700)).toBeNull();
    expect(g.onScan(3, 710)).toBeNull();
    expect(g.onScan(3, 720)).toEqual({ kind: 'heal' });
    expect(g.tick(800)).toBeNull();
  });
});

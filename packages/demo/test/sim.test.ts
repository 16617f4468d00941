// Simulation pieces: seeded randomness, the speed factor and the scenario person's walk.
import { describe, expect, it } from 'vitest';
import { PersonWalk } from '../src/sim/person.js';
import { SeededRandom } from '../src/sim/random.js';
import { SimClock } from '../src/sim/sim-clock.js';

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const x of sa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('gaussian noise has about the asked spread', () => {
    const r = new SeededRandom(1);
    const xs = Array.from({ length: 4000 }, () => r.gaussian(0.5));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.45);
    expect(sd).toBeLessThan(0.55);
    expect(r.gaussian(0)).toBe(0);
  });
});

describe('SimClock', () => {
  it('scales simulated seconds to wall time with a floor', () => {
    const c = new SimClock(10);
    expect(c.wallMs(60)).toBe(6000);
    expect(c.wallMs(1, 500)).toBe(500);
    expect(c.simSeconds(1000)).toBe(10);
    expect(() => new SimClock(0)).toThrow(/positive/);
  });
});

describe('PersonWalk', () => {
  it('approaches from 3 m to below the stop threshold, stands, leaves and is gone', () => {
    const clock = new SimClock(1);
    const w = new PersonWalk(clock, { approachSec: 2, standSec: 8, leaveSec: 2 }, 0);
    expect(w.durationMs).toBe(12_000);
    expect(w.at(0)!.distance).toBeCloseTo(3.0);
    expect(w.at(1000)!.distance).toBeCloseTo(1.725);
    expect(w.at(5000)!.distance).toBeLessThan(0.8);
    expect(w.at(11_000)!.distance).toBeCloseTo(1.725);
    expect(w.at(12_000)).toBeNull();
    expect(w.isOver(12_000)).toBe(true);
    expect(w.at(-1)).toBeNull();
  });

  it('keeps every phase long enough for a 10 Hz lidar even at a high speed factor', () => {
    const w = new PersonWalk(new SimClock(1000), undefined, 0);
    expect(w.durationMs).toBeGreaterThanOrEqual(3600);
    expect(w.at(1500)!.distance).toBeLessThan(0.8);
  });
});

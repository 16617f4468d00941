/**
 * The scenario's person: walks into the robot's path, stands there, walks away. Distances are in
 * the robot's frame, straight ahead. Phase durations are simulated seconds, with wall-clock floors
 * so that even at a high speed factor the lidar (10 Hz, real time) sees every phase in a few scans.
 */
import type { SimClock } from './sim-clock.js';

/** Where a person is relative to the robot, or nothing. */
export interface PersonSighting {
  /** Distance straight ahead, metres. */
  distance: number;
  /** Half of the person's width as seen from the robot, radians. */
  halfWidth: number;
}

/** Phase timings of one walk-through. */
export interface PersonWalkTiming {
  approachSec: number;
  standSec: number;
  leaveSec: number;
}

export const DEFAULT_WALK: PersonWalkTiming = { approachSec: 2, standSec: 8, leaveSec: 2 };

const START_DISTANCE = 3.0;
const CLOSEST_DISTANCE = 0.45;
const PERSON_WIDTH = 0.5;
/** Wall-clock floors per phase (approach, stand, leave), milliseconds. */
const FLOORS_MS = [800, 2000, 800] as const;

/** One walk-through, started at a wall-clock instant. */
export class PersonWalk {
  readonly startedAt: number;
  readonly #phases: [number, number, number];

  constructor(clock: SimClock, timing: PersonWalkTiming = DEFAULT_WALK, now = Date.now()) {
    this.startedAt = now;
    this.#phases = [clock.wallMs(timing.approachSec, FLOORS_MS[0]), clock.wallMs(timing.standSec, FLOORS_MS[1]), clock.wallMs(timing.leaveSec, FLOORS_MS[2])];
  }

  /** Wall-clock milliseconds from start to gone. */
  get durationMs(): number {
    return this.#phases[0] + this.#phases[1] + this.#phases[2];
  }

  /** True once the person has left the scene. */
  isOver(now = Date.now()): boolean {
    return now - this.startedAt >= this.durationMs;
  }

  /** Where the person is at `now` (null once gone). */
  at(now = Date.now()): PersonSighting | null {
    const t = now - this.startedAt;
    const [a, s, l] = this.#phases;
    let d: number;
    if (t < 0 || t >= a + s + l) return null;
    if (t < a) d = START_DISTANCE + (CLOSEST_DISTANCE - START_DISTANCE) * (t / a);
    else if (t < a + s) d = CLOSEST_DISTANCE;
    else d = CLOSEST_DISTANCE + (START_DISTANCE - CLOSEST_DISTANCE) * ((t - a - s) / l);
    return { distance: d, halfWidth: Math.atan2(PERSON_WIDTH / 2, d) };
  }
}

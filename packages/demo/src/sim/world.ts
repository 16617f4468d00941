/**
 * The simulated world shared by the robot's nodes in one process: the robot's pose on its patrol
 * line, the wheel speed the motor controller applies, and the person of the scenario. Nodes talk
 * to each other over ROS; the world is only what a simulator would know (physics, not messages).
 */
import type { SimClock } from './sim-clock.js';
import { PersonWalk, type PersonWalkTiming } from './person.js';
import type { SeededRandom } from './random.js';

export interface Pose2D {
  x: number;
  y: number;
  theta: number;
}

export class World {
  readonly clock: SimClock;
  readonly random: SeededRandom;
  readonly pose: Pose2D = { x: 0, y: 0, theta: 0 };
  /** Linear speed the base is driving at now (m/s, simulated). */
  speed = 0;
  #person: PersonWalk | null = null;

  constructor(clock: SimClock, random: SeededRandom) {
    this.clock = clock;
    this.random = random;
  }

  /** A person steps into the path now (replaces one already walking). Returns the walk. */
  personStepsIn(timing?: PersonWalkTiming): PersonWalk {
    this.#person = new PersonWalk(this.clock, timing);
    return this.#person;
  }

  /** The current person walk, if one is under way. */
  get person(): PersonWalk | null {
    if (this.#person?.isOver()) this.#person = null;
    return this.#person;
  }

  /** Moves the robot along its heading for `simSeconds` at the current speed. */
  advance(simSeconds: number): void {
    this.pose.x += Math.cos(this.pose.theta) * this.speed * simSeconds;
    this.pose.y += Math.sin(this.pose.theta) * this.speed * simSeconds;
  }
}

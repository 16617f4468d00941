/**
 * Simulation time: runs `speed` times faster than the wall clock, so a test can play the one-minute
 * scenario in a few seconds. Sensors keep their real rates (a lidar is 10 Hz whatever the speed);
 * what the speed scales is the world: how far the robot drives per tick, how fast the battery
 * drains, how often the scenario repeats and how long a person stands in the way.
 */
export class SimClock {
  readonly speed: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(speed = 1) {
    if (!Number.isFinite(speed) || speed <= 0) throw new Error(`speed must be a positive number, got ${speed}`);
    this.speed = speed;
  }

  /** Wall-clock milliseconds for `simSeconds` of simulated time, never below `floorMs`. */
  wallMs(simSeconds: number, floorMs = 0): number {
    return Math.max(floorMs, (simSeconds * 1000) / this.speed);
  }

  /** Simulated seconds elapsed in `wallMs` of real time. */
  simSeconds(wallMs: number): number {
    return (wallMs / 1000) * this.speed;
  }

  /** A real-rate timer (sensors): `fn` every `periodMs` of wall time. */
  every(periodMs: number, fn: () => void): () => void {
    if (this.#stopped) return () => {};
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        console.error(`demo: timer callback failed: ${(err as Error).stack ?? err}`);
      }
    }, Math.max(1, periodMs));
    this.#timers.add(t);
    return () => {
      clearInterval(t);
      this.#timers.delete(t);
    };
  }

  /** Runs `fn` once after `simSeconds` of simulated time (at least `floorMs` of wall time). */
  after(simSeconds: number, fn: () => void, floorMs = 0): () => void {
    if (this.#stopped) return () => {};
    const t = setTimeout(() => {
      this.#timers.delete(t);
      try {
        fn();
      } catch (err) {
        console.error(`demo: timer callback failed: ${(err as Error).stack ?? err}`);
      }
    }, this.wallMs(simSeconds, floorMs));
    this.#timers.add(t);
    return () => {
      clearTimeout(t);
      this.#timers.delete(t);
    };
  }

  /** Resolves after `simSeconds` of simulated time (at least `floorMs` of wall time). */
  sleep(simSeconds: number, floorMs = 0): Promise<void> {
    return new Promise((resolve) => this.after(simSeconds, resolve, floorMs));
  }

  /** Cancels every timer (process shutdown). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

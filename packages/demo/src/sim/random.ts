/**
 * Seeded pseudo-random numbers (mulberry32) so a demo run with the same seed produces the same
 * noise, and tests are reproducible. Not for anything security-related.
 */
export class SeededRandom {
  #state: number;
  #spare: number | undefined;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Normally distributed with mean 0 and the given standard deviation (Box–Muller). */
  gaussian(stddev = 1): number {
    if (stddev <= 0) return 0;
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s * stddev;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v) * stddev;
  }

  /** A derived generator (independent stream per node, same overall seed). */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.#state ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0);
  }
}

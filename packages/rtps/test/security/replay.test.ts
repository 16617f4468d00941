// The replay check's memory of IV suffixes (an exact set of the last N per session, forgotten in arrival order),
// checked against a plain reference model with counting, out-of-order, random and far-jumping suffixes.
import { describe, expect, it } from 'vitest';
import { REPLAY_MEMORY, ReplayCheck, SuffixMemory } from '../../src/security/crypto/replay.js';

/** The reference: the same semantics with a Set of bigints and an array in arrival order. */
class Model {
  private readonly set = new Set<bigint>();
  private readonly order: bigint[] = [];
  constructor(private readonly capacity: number) {}
  get count(): number {
    return this.order.length;
  }
  seen(s: bigint): boolean {
    if (this.set.has(s)) return true;
    if (this.order.length === this.capacity) this.set.delete(this.order.shift()!);
    this.order.push(s);
    this.set.add(s);
    return false;
  }
}

const halves = (s: bigint): [number, number] => [Number(s >> 32n), Number(s & 0xffffffffn)];
const check = (m: SuffixMemory, s: bigint): boolean => m.seen(...halves(s));

/** A small deterministic generator (xorshift) so a failing sequence can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('replay check: suffix memory', () => {
  it('accepts counting suffixes once and refuses each repeat while it is remembered', () => {
    const m = new SuffixMemory();
    for (let s = 1n; s <= 10_000n; s++) expect(check(m, s)).toBe(false);
    expect(m.count).toBe(REPLAY_MEMORY);
    // The last REPLAY_MEMORY are refused; older ones were forgotten (and are remembered again when they pass).
    for (let s = 10_000n - BigInt(REPLAY_MEMORY) + 1n; s <= 10_000n; s++) expect(check(m, s)).toBe(true);
    expect(check(m, 10_000n - BigInt(REPLAY_MEMORY))).toBe(false);
    expect(check(m, 10_000n - BigInt(REPLAY_MEMORY))).toBe(true);
  });

  it('takes suffixes out of order (late ones, gaps filled later) and refuses their duplicates', () => {
    const m = new SuffixMemory();
    const order = [10n, 12n, 11n, 15n, 13n, 14n, 1n, 100n, 2n, 99n];
    for (const s of order) expect(check(m, s)).toBe(false);
    for (const s of order) expect(check(m, s)).toBe(true);
    expect(check(m, 3n)).toBe(false);
  });

  it('tells apart suffixes that share either half and far-ahead jumps (2^64 - 1, 0, 2^53 apart)', () => {
    const m = new SuffixMemory();
    const suffixes = [0n, 2n ** 64n - 1n, 2n ** 32n, 1n, 2n ** 32n + 1n, 5n * 2n ** 53n + 99n, 9n * 2n ** 53n + 99n, 2n ** 63n, 7n];
    for (const s of suffixes) expect(check(m, s)).toBe(false);
    for (const s of suffixes) expect(check(m, s)).toBe(true);
    expect(check(m, 2n ** 64n - 2n)).toBe(false);
  });

  it.each([
    ['random 64-bit', 1, (r: () => number) => (BigInt(r()) << 32n) | BigInt(r())],
    ['counting with repeats and stragglers', 2, (r: () => number, i: number) => BigInt(Math.max(0, i - (r() % 300)))],
    ['few distinct values (many repeats)', 3, (r: () => number) => BigInt(r() % 50) << 40n],
    ['one low half, random high halves', 4, (r: () => number) => (BigInt(r() % 5000) << 32n) | 7n],
  ])('agrees with the reference model on %s suffixes, across growth and eviction', (_name, seed, gen) => {
    for (const capacity of [REPLAY_MEMORY, 100, 1]) {
      const r = rng(seed * 7919 + capacity);
      const m = new SuffixMemory(capacity);
      const model = new Model(capacity);
      let disagreements = 0;
      for (let i = 0; i < 20_000; i++) {
        const s = gen(r, i);
        if (check(m, s) !== model.seen(s)) disagreements++;
      }
      expect(disagreements).toBe(0);
      expect(m.count).toBe(model.count);
    }
  });

  it('keeps each session apart and forgets the oldest session beyond eight', () => {
    const c = new ReplayCheck();
    for (let session = 0; session < 8; session++) expect(c.seen(session, 0, 42)).toBe(false);
    for (let session = 0; session < 8; session++) expect(c.seen(session, 0, 42)).toBe(true);
    expect(c.seen(8, 0, 42)).toBe(false); // a ninth session: session 0 is forgotten
    expect(c.seen(0, 0, 42)).toBe(false);
    expect(c.seen(0xffffffff, 0xffffffff, 0xffffffff)).toBe(false);
    expect(c.seen(0xffffffff, 0xffffffff, 0xffffffff)).toBe(true);
  });
});

// One writer's out-of-order stash in a reliable reader: samples that arrived ahead of the next expected one, and
// SNs a GAP said are irrelevant (null). Bounded in count and in bytes: each kept sample is charged to the writer's
// byte cap and to the participant's budget (the one reassembly draws on), so samples completed ahead of a hole,
// forged or not, cannot hold more memory than reassembly itself may. What does not fit is not kept: the writer
// repairs it later (ACKNACK), as for a full count.
import type { ReassemblyBudget } from './fragment-reassembly.js';

/**
 * Future SNs are kept (stash, reassembly) only this many times maxPendingPerWriter above the next expected one, once
 * the writer's start point is known (packages/rtps/README.md "Hostile peers"): a real writer's samples come within
 * its history of the hole, a forged far-future SN would only hold memory.
 */
export const FUTURE_SN_WINDOW_FACTOR = 2;

/** True when `sn` of a synced writer lies past the window above its next expected SN. */
export function beyondWindow(p: { synced: boolean; nextExpected: number }, sn: number, maxPending: number): boolean {
  return p.synced && sn - p.nextExpected >= maxPending * FUTURE_SN_WINDOW_FACTOR;
}

/** What a stashed change carries that costs memory. */
interface Sized {
  payload?: Buffer;
  inlineQos?: Buffer;
  backing?: Buffer;
}

/** Bytes a change holds (a reassembled sample's whole buffer when it has one). */
function sizeOf(c: Sized | null): number {
  if (c === null) return 0;
  return ((c.backing ?? c.payload)?.length ?? 0) + (c.inlineQos?.length ?? 0);
}

export class PendingChanges<C extends Sized> {
  private readonly map = new Map<number, C | null>();
  /** Bytes charged for this writer's stash. */
  bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly budget: ReassemblyBudget,
  ) {}

  get size(): number {
    return this.map.size;
  }

  has(sn: number): boolean {
    return this.map.has(sn);
  }

  get(sn: number): C | null | undefined {
    return this.map.get(sn);
  }

  keys(): IterableIterator<number> {
    return this.map.keys();
  }

  entries(): IterableIterator<[number, C | null]> {
    return this.map.entries();
  }

  /** Keeps `c` at `sn` (replacing what was there); false when it does not fit the count or the byte bounds. */
  set(sn: number, c: C | null): boolean {
    const old = this.map.get(sn);
    const had = old !== undefined;
    if (!had && this.map.size >= this.maxEntries) return false;
    const add = sizeOf(c);
    const free = had ? sizeOf(old) : 0;
    if (add > free && (this.bytes - free + add > this.maxBytes || this.budget.used - free + add > this.budget.limit)) return false;
    this.map.set(sn, c);
    this.charge(add - free);
    return true;
  }

  delete(sn: number): boolean {
    const old = this.map.get(sn);
    if (old === undefined) return false;
    this.map.delete(sn);
    this.charge(-sizeOf(old));
    return true;
  }

  /** Drops everything (the writer was unmatched): its bytes go back to the budget. */
  clear(): void {
    this.map.clear();
    this.charge(-this.bytes);
  }

  private charge(n: number): void {
    this.bytes += n;
    this.budget.used += n;
  }
}

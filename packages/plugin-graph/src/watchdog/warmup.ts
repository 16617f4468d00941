// Warm-up gating (docs/graph.md): a node must have been present `warmupCycles` consecutive ticks before a
// finding about it may raise (raises are suppressed, clears never are). A node that leaves and comes back
// warms up again; bookkeeping of a node gone longer than `pruneGrace` ticks is dropped.

interface Presence {
  firstSeen: number;
  lastSeen: number;
}

export class WarmupGate {
  private readonly seen = new Map<string, Presence>();
  private tick = 0;

  constructor(
    readonly warmupCycles: number,
    private readonly pruneGrace: number,
  ) {}

  /** Marks the nodes present at `tick`. */
  observe(tick: number, present: readonly string[]): void {
    this.tick = tick;
    for (const fqn of present) {
      const p = this.seen.get(fqn);
      if (!p || p.lastSeen < tick - 1) this.seen.set(fqn, { firstSeen: tick, lastSeen: tick });
      else p.lastSeen = tick;
    }
    for (const [fqn, p] of this.seen) if (tick - p.lastSeen > this.pruneGrace) this.seen.delete(fqn);
  }

  armed(fqn: string): boolean {
    const p = this.seen.get(fqn);
    return !!p && p.lastSeen === this.tick && this.tick - p.firstSeen >= this.warmupCycles;
  }

  /** `warming_up` until the watchdog itself has been running the warm-up cycles (counted like a node first seen at tick 1). */
  get globalState(): 'armed' | 'warming_up' {
    return this.tick - 1 >= this.warmupCycles ? 'armed' : 'warming_up';
  }

  entries(): [string, Presence][] {
    return [...this.seen.entries()];
  }
}

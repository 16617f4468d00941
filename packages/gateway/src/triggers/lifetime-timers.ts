// One timer per trigger with a lifetime, so a trigger ends on time even when no change arrives.
import type { Trigger } from './model.js';

export class LifetimeTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly now: () => number,
    private readonly onExpired: (t: Trigger) => void,
  ) {}

  /** (Re)starts the timer of `t` for its current `expiresAt`; none without a lifetime. */
  arm(t: Trigger): void {
    clearTimeout(this.timers.get(t.id));
    if (t.expiresAt === undefined) return;
    const timer = setTimeout(() => {
      if (t.expiresAt !== undefined && t.expiresAt <= this.now()) this.onExpired(t);
      else this.arm(t);
    }, Math.min(Math.max(0, t.expiresAt - this.now()), 2 ** 31 - 1)); // setTimeout's longest delay; re-armed after
    timer.unref();
    this.timers.set(t.id, timer);
  }

  cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

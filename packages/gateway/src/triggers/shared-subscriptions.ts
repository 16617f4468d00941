// Sampler subscriptions shared per observed resource: every subscribe-bound trigger on the same
// (collection, entity, resource path) rides one subscription, closed when its last trigger leaves.
import type { Trigger } from './model.js';

interface Observation {
  unsubscribe: () => void;
  triggers: Set<Trigger>;
}

export class SharedSubscriptions {
  private readonly observations = new Map<string, Observation>();

  /**
   * Adds `t` to the subscription of its resource; the first trigger opens it with `open`, which gets the
   * live set of triggers to feed and may throw (nothing is kept then). Returns the key to {@link leave} with.
   */
  join(t: Trigger, open: (triggers: ReadonlySet<Trigger>) => () => void): string {
    const key = `${t.collection}\u0000${t.entityType}:${t.entityId}\u0000${t.resourcePath ?? ''}`;
    let obs = this.observations.get(key);
    if (!obs) {
      const triggers = new Set<Trigger>();
      obs = { unsubscribe: open(triggers), triggers };
      this.observations.set(key, obs);
    }
    obs.triggers.add(t);
    return key;
  }

  leave(key: string, t: Trigger): void {
    const obs = this.observations.get(key);
    obs?.triggers.delete(t);
    if (obs && obs.triggers.size === 0) {
      this.observations.delete(key);
      try {
        obs.unsubscribe();
      } catch {
        // the sampler's problem; the trigger is gone either way
      }
    }
  }

  closeAll(): void {
    for (const o of this.observations.values()) o.unsubscribe();
    this.observations.clear();
  }
}

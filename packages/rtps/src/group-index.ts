// Values grouped by a string key. The participant groups its own and the remote endpoints by
// topic, so matching looks only at endpoints on the same topic instead of scanning them all
// (creating or closing hundreds of endpoints next to thousands of remote ones stays linear).

const EMPTY: ReadonlySet<never> = new Set();

export class GroupIndex<V> {
  private readonly groups = new Map<string, Set<V>>();

  add(key: string, v: V): void {
    const g = this.groups.get(key);
    if (g) g.add(v);
    else this.groups.set(key, new Set([v]));
  }

  delete(key: string, v: V): void {
    const g = this.groups.get(key);
    if (!g) return;
    g.delete(v);
    if (g.size === 0) this.groups.delete(key);
  }

  /** A copy of the values under `key` (callers may add and delete while they walk it). */
  list(key: string): V[] {
    return [...(this.groups.get(key) ?? EMPTY)];
  }
}

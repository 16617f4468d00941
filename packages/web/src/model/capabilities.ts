// Which tabs an entity detail gets: one per resource collection its capability list (or its URI
// fields, docs/api.md) advertises, in a fixed, predictable order.
import { isObj, obj, str } from './json';

export type TabId = 'overview' | 'data' | 'operations' | 'configurations' | 'faults' | 'logs' | 'status' | 'locks' | 'bulk-data';

export const TAB_LABELS: Record<TabId, string> = {
  overview: 'Overview',
  data: 'Data',
  operations: 'Operations',
  configurations: 'Configurations',
  faults: 'Faults',
  logs: 'Logs',
  status: 'Lifecycle',
  locks: 'Locks',
  'bulk-data': 'Recordings & files',
};

const ORDER: TabId[] = ['data', 'operations', 'configurations', 'faults', 'logs', 'status', 'locks', 'bulk-data'];

/** Capability names of an entity detail (capabilities[].name, x-medkit.capabilities, URI fields). */
export function capabilityNames(detail: unknown): Set<string> {
  const d = obj(detail);
  const names = new Set<string>();
  for (const list of [d.capabilities, obj(d['x-medkit']).capabilities]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const n = isObj(c) ? str(c.name) : str(c);
      if (n) names.add(n);
    }
  }
  for (const t of ORDER) if (typeof d[t] === 'string') names.add(t);
  return names;
}

/** Tabs for the entity: overview first, then the resources it has. */
export function entityTabs(detail: unknown): TabId[] {
  const names = capabilityNames(detail);
  return ['overview', ...ORDER.filter((t) => names.has(t))];
}

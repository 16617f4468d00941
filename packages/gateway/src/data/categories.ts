// Data categories and data groups of an entity (docs/resources.md, implemented per issue 24; docs/resources.md,
// "Data categories and groups"), derived from its data list: the categories its items report, and groups
// of items by ROS namespace (the topic path without its last segment) within a category. Plugin lists are
// peer-shaped input, so only well-formed items count and the work is bounded.

import type { DataCategoryListBody, DataGroupListBody } from './rest-shape.js';

/** Items of one data list considered at most (a plugin may send any number). */
export const MAX_LIST_ITEMS = 10_000;
/** Ids and categories longer than this are ignored. */
const MAX_NAME = 256;

/** One group: the namespace its items share (`/` for top-level topics and ids without `/`), per category. */
type DataGroup = DataGroupListBody['items'][number];

interface Named {
  id: string;
  category: string;
}

/** The well-formed `{id, category}` items of a list body (`{items: [...]}`), at most {@link MAX_LIST_ITEMS}. */
function namedItems(body: unknown): Named[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const out: Named[] = [];
  for (const i of items.slice(0, MAX_LIST_ITEMS)) {
    const { id, category } = (i ?? {}) as { id?: unknown; category?: unknown };
    if (typeof id !== 'string' || typeof category !== 'string' || id.length > MAX_NAME || category.length === 0 || category.length > MAX_NAME) continue;
    out.push({ id, category });
  }
  return out;
}

/** The categories the list's items report, in order of first appearance, with how many items each has. */
export function dataCategories(listBody: unknown): DataCategoryListBody {
  const counts = new Map<string, number>();
  for (const i of namedItems(listBody)) counts.set(i.category, (counts.get(i.category) ?? 0) + 1);
  return { items: [...counts].map(([item, n]) => ({ item, 'x-medkit': { item_count: n } })) };
}

/** `/a/b/c` → `/a/b`; `/scan` and `battery_level` → `/`. */
export function namespaceOf(id: string): string {
  const cut = id.lastIndexOf('/');
  return cut > 0 ? id.slice(0, cut) : '/';
}

/** Groups of the list's items by namespace within each category (only `category` when given), sorted by id. */
export function dataGroups(listBody: unknown, category?: string): DataGroupListBody {
  const groups = new Map<string, DataGroup>();
  for (const i of namedItems(listBody)) {
    if (category !== undefined && i.category !== category) continue;
    const id = namespaceOf(i.id);
    const key = `${i.category}\u0000${id}`;
    const g = groups.get(key) ?? { id, category: i.category, 'x-medkit': { data_ids: [] } };
    g['x-medkit'].data_ids.push(i.id);
    groups.set(key, g);
  }
  return { items: [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.category < b.category ? -1 : 1)) };
}

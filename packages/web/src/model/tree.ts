// Builds the navigation tree from the four entity lists and the relationship routes, filters it
// by a search string, flattens it for rendering, and maps tree keyboard keys to actions
// (WAI-ARIA tree view pattern).
import type { EntityRef, EntityType } from './entities';

export interface TreeNode {
  /** Unique per position (an app can appear under its component and under a function). */
  key: string;
  label: string;
  /** Absent on group headings. */
  entity?: EntityRef;
  children: TreeNode[];
}

/** Everything the tree needs; relationship maps are keyed by the parent's id. */
export interface TreeInput {
  areas: EntityRef[];
  components: EntityRef[];
  apps: EntityRef[];
  functions: EntityRef[];
  subareas: Record<string, EntityRef[]>;
  areaComponents: Record<string, EntityRef[]>;
  subcomponents: Record<string, EntityRef[]>;
  componentHosts: Record<string, EntityRef[]>;
  functionHosts: Record<string, EntityRef[]>;
}

export function emptyTreeInput(): TreeInput {
  return { areas: [], components: [], apps: [], functions: [], subareas: {}, areaComponents: {}, subcomponents: {}, componentHosts: {}, functionHosts: {} };
}

const byName = (a: EntityRef, b: EntityRef) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/**
 * Areas (with subareas, their components, subcomponents and hosted apps), then components and
 * apps no area reaches, then functions with their host apps. Group headings only when non-empty.
 */
export function buildTree(input: TreeInput): TreeNode[] {
  const latest = new Map<string, EntityRef>();
  for (const e of [...input.areas, ...input.components, ...input.apps, ...input.functions]) latest.set(`${e.type}:${e.id}`, e);
  // Relationship items are list items too; prefer the top-level list's copy (it has is_online etc.).
  const best = (e: EntityRef) => latest.get(`${e.type}:${e.id}`) ?? e;

  const placedComponents = new Set<string>();
  const placedApps = new Set<string>();
  const appsOf = (componentId: string): EntityRef[] => {
    const seen = new Map<string, EntityRef>();
    for (const a of input.componentHosts[componentId] ?? []) seen.set(a.id, best(a));
    for (const a of input.apps) if (a.componentId === componentId) seen.set(a.id, a);
    return [...seen.values()].sort(byName);
  };

  const componentNode = (c: EntityRef, parentKey: string, trail: Set<string>): TreeNode => {
    const key = `${parentKey}/component:${c.id}`;
    placedComponents.add(c.id);
    const next = new Set(trail).add(`component:${c.id}`);
    const subs = (input.subcomponents[c.id] ?? []).map(best).filter((s) => !next.has(`component:${s.id}`)).sort(byName);
    const apps = appsOf(c.id);
    for (const a of apps) placedApps.add(a.id);
    return {
      key,
      label: c.name,
      entity: c,
      children: [...subs.map((s) => componentNode(s, key, next)), ...apps.map((a) => leaf(a, key))],
    };
  };

  const areaNode = (a: EntityRef, parentKey: string, trail: Set<string>): TreeNode => {
    const key = `${parentKey}/area:${a.id}`;
    const next = new Set(trail).add(`area:${a.id}`);
    const subs = (input.subareas[a.id] ?? []).map(best).filter((s) => !next.has(`area:${s.id}`)).sort(byName);
    const comps = (input.areaComponents[a.id] ?? []).map(best).filter((c) => !c.missing).sort(byName);
    return {
      key,
      label: a.name,
      entity: a,
      children: [...subs.map((s) => areaNode(s, key, next)), ...comps.map((c) => componentNode(c, key, next))],
    };
  };

  const roots: TreeNode[] = [];
  const areas = [...input.areas].sort(byName).map((a) => areaNode(a, 'areas', new Set()));
  if (areas.length) roots.push({ key: 'areas', label: 'Areas', children: areas });

  const looseComponents = [...input.components].sort(byName).filter((c) => !placedComponents.has(c.id));
  const comps = looseComponents.map((c) => componentNode(c, 'components', new Set()));
  if (comps.length) roots.push({ key: 'components', label: areas.length ? 'Other components' : 'Components', children: comps });

  const looseApps = [...input.apps].sort(byName).filter((a) => !placedApps.has(a.id));
  if (looseApps.length) roots.push({ key: 'apps', label: placedApps.size ? 'Other apps' : 'Apps', children: looseApps.map((a) => leaf(a, 'apps')) });

  const fns = [...input.functions].sort(byName).map((f) => {
    const key = `functions/function:${f.id}`;
    const hosts = (input.functionHosts[f.id] ?? []).map(best).sort(byName);
    return { key, label: f.name, entity: f, children: hosts.map((a) => leaf(a, key)) };
  });
  if (fns.length) roots.push({ key: 'functions', label: 'Functions', children: fns });
  return roots;
}

function leaf(e: EntityRef, parentKey: string): TreeNode {
  return { key: `${parentKey}/${e.type}:${e.id}`, label: e.name, entity: e, children: [] };
}

/** Number of distinct entities in the tree. */
export function countEntities(nodes: TreeNode[]): number {
  const seen = new Set<string>();
  const walk = (ns: TreeNode[]) => {
    for (const n of ns) {
      if (n.entity) seen.add(`${n.entity.type}:${n.entity.id}`);
      walk(n.children);
    }
  };
  walk(nodes);
  return seen.size;
}

/**
 * Keeps nodes whose name or id contains `query` (case-insensitive), with their ancestors; a
 * matching node keeps its whole subtree. Returns the keys to expand so every match is visible.
 */
export function filterTree(nodes: TreeNode[], query: string): { nodes: TreeNode[]; expand: Set<string> } {
  const q = query.trim().toLowerCase();
  const expand = new Set<string>();
  if (q === '') return { nodes, expand };
  const matches = (n: TreeNode) => n.label.toLowerCase().includes(q) || (n.entity?.id.toLowerCase().includes(q) ?? false);
  const walk = (ns: TreeNode[]): TreeNode[] => {
    const out: TreeNode[] = [];
    for (const n of ns) {
      if (matches(n) && n.entity) {
        out.push(n);
        continue;
      }
      const kids = walk(n.children);
      if (kids.length) {
        expand.add(n.key);
        out.push({ ...n, children: kids });
      }
    }
    return out;
  };
  return { nodes: walk(nodes), expand };
}

interface VisibleRow {
  node: TreeNode;
  depth: number;
  parentKey?: string;
  expanded: boolean;
  /** Position among siblings (1-based) and sibling count, for aria-posinset/aria-setsize. */
  pos: number;
  size: number;
}

/** The rows a user can see, top to bottom, given which nodes are expanded. */
export function visibleRows(nodes: TreeNode[], expanded: Set<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const walk = (ns: TreeNode[], depth: number, parentKey?: string) => {
    ns.forEach((node, i) => {
      const open = node.children.length > 0 && expanded.has(node.key);
      rows.push({ node, depth, parentKey, expanded: open, pos: i + 1, size: ns.length });
      if (open) walk(node.children, depth + 1, node.key);
    });
  };
  walk(nodes, 1);
  return rows;
}

type TreeAction =
  | { kind: 'focus'; key: string }
  | { kind: 'expand'; key: string }
  | { kind: 'collapse'; key: string }
  | { kind: 'select'; key: string }
  | { kind: 'none' };

/** What a key press on the focused row does (ArrowUp/Down/Left/Right, Home, End, Enter, Space). */
export function treeKeyAction(rows: VisibleRow[], focusedKey: string, key: string): TreeAction {
  const i = rows.findIndex((r) => r.node.key === focusedKey);
  if (i < 0) return rows.length ? { kind: 'focus', key: rows[0].node.key } : { kind: 'none' };
  const row = rows[i];
  const hasKids = row.node.children.length > 0;
  switch (key) {
    case 'ArrowDown':
      return i + 1 < rows.length ? { kind: 'focus', key: rows[i + 1].node.key } : { kind: 'none' };
    case 'ArrowUp':
      return i > 0 ? { kind: 'focus', key: rows[i - 1].node.key } : { kind: 'none' };
    case 'Home':
      return { kind: 'focus', key: rows[0].node.key };
    case 'End':
      return { kind: 'focus', key: rows[rows.length - 1].node.key };
    case 'ArrowRight':
      if (!hasKids) return { kind: 'none' };
      return row.expanded ? { kind: 'focus', key: rows[i + 1].node.key } : { kind: 'expand', key: row.node.key };
    case 'ArrowLeft':
      if (hasKids && row.expanded) return { kind: 'collapse', key: row.node.key };
      return row.parentKey ? { kind: 'focus', key: row.parentKey } : { kind: 'none' };
    case 'Enter':
    case ' ':
      if (row.node.entity) return { kind: 'select', key: row.node.key };
      return hasKids ? (row.expanded ? { kind: 'collapse', key: row.node.key } : { kind: 'expand', key: row.node.key }) : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/** Keys of every ancestor of the node with `key` (keys are slash paths). */
export function ancestorKeys(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** First tree key that shows the given entity, if any. */
export function findEntityKey(nodes: TreeNode[], type: EntityType, id: string): string | undefined {
  for (const n of nodes) {
    if (n.entity?.type === type && n.entity.id === id) return n.key;
    const k = findEntityKey(n.children, type, id);
    if (k) return k;
  }
  return undefined;
}

// The entity tree (WAI-ARIA tree view): arrow keys move and expand, Enter opens, type to search.
// Each row shows the entity's online state, discovery source and active fault count.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ancestorKeys, countEntities, filterTree, findEntityKey, treeKeyAction, visibleRows, type TreeNode } from '../model/tree';
import type { FaultCount } from '../model/fault-counts';
import { countKey } from '../model/fault-counts';
import type { EntityRef } from '../model/entities';
import { FaultCountBadge, SourceTag, StateBadge } from './badges';

interface EntityTreeProps {
  nodes: TreeNode[];
  counts: Map<string, FaultCount>;
  selected?: { type: string; id: string };
  onSelect: (e: EntityRef) => void;
}

const AUTO_EXPAND_MAX = 80;

function allParentKeys(nodes: TreeNode[]): string[] {
  return nodes.flatMap((n) => (n.children.length ? [n.key, ...allParentKeys(n.children)] : []));
}

export function EntityTree({ nodes, counts, selected, onSelect }: EntityTreeProps) {
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(['areas', 'components', 'apps', 'functions']));
  const [focused, setFocused] = useState<string>();
  const treeRef = useRef<HTMLUListElement>(null);
  const initialised = useRef(false);

  // A small robot's tree opens fully on first load; a large one shows its groups only.
  useEffect(() => {
    if (initialised.current || nodes.length === 0) return;
    initialised.current = true;
    if (countEntities(nodes) <= AUTO_EXPAND_MAX) setExpanded(new Set(allParentKeys(nodes)));
  }, [nodes]);

  const filtered = useMemo(() => filterTree(nodes, query), [nodes, query]);
  const open = useMemo(() => (query ? new Set([...expanded, ...filtered.expand]) : expanded), [expanded, filtered, query]);
  const rows = useMemo(() => visibleRows(filtered.nodes, open), [filtered, open]);

  // Reveal the selected entity (e.g. opened from a link) by expanding its ancestors once.
  const selectedKey = selected ? findEntityKey(nodes, selected.type as EntityRef['type'], selected.id) : undefined;
  useEffect(() => {
    if (!selectedKey) return;
    setExpanded((s) => new Set([...s, ...ancestorKeys(selectedKey)]));
    setFocused((f) => f ?? selectedKey);
  }, [selectedKey]);

  // First meaningful paint marker for the browser benchmark: the tree shows entities.
  useEffect(() => {
    if (rows.some((r) => r.node.entity) && performance.getEntriesByName('medkit:tree-rendered').length === 0) performance.mark('medkit:tree-rendered');
  }, [rows]);

  const current = rows.find((r) => r.node.key === focused)?.node.key ?? rows.find((r) => r.node.key === selectedKey)?.node.key ?? rows[0]?.node.key;

  const focusRow = (key: string) => {
    setFocused(key);
    requestAnimationFrame(() => treeRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus());
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!current) return;
    const action = treeKeyAction(rows, current, e.key);
    if (action.kind === 'none') return;
    e.preventDefault();
    if (action.kind === 'focus') focusRow(action.key);
    else if (action.kind === 'expand') setExpanded((s) => new Set(s).add(action.key));
    else if (action.kind === 'collapse')
      setExpanded((s) => {
        const n = new Set(s);
        n.delete(action.key);
        return n;
      });
    else if (action.kind === 'select') {
      const row = rows.find((r) => r.node.key === action.key);
      if (row?.node.entity) onSelect(row.node.entity);
    }
  };

  const toggle = (key: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });

  return (
    <div class="tree-panel">
      <label class="visually-hidden" for="tree-search">
        Filter entities
      </label>
      <input id="tree-search" class="tree-search" type="search" placeholder="Filter entities…" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      {rows.length === 0 && query !== '' && <p class="muted tree-empty">No entity matches “{query}”.</p>}
      <ul ref={treeRef} class="tree" role="tree" aria-label="Entities" onKeyDown={onKeyDown}>
        {rows.map((r) => {
          const n = r.node;
          const e = n.entity;
          const isSel = !!e && !!selected && e.type === selected.type && e.id === selected.id;
          const hasKids = n.children.length > 0;
          return (
            <li
              key={n.key}
              role="treeitem"
              data-key={n.key}
              aria-level={r.depth}
              aria-posinset={r.pos}
              aria-setsize={r.size}
              aria-expanded={hasKids ? r.expanded : undefined}
              aria-selected={isSel}
              tabIndex={n.key === current ? 0 : -1}
              class={`tree-row ${e ? `tree-${e.type}` : 'tree-group'} ${isSel ? 'selected' : ''}`}
              title={e ? `${n.label} (${e.type} ${e.id}${e.source ? ` · source: ${e.source}` : ''})` : undefined}
              style={{ paddingLeft: `${(r.depth - 1) * 16 + 4}px` }}
              onFocus={() => setFocused(n.key)}
              onClick={(ev) => {
                ev.stopPropagation();
                setFocused(n.key);
                if (e) onSelect(e);
                else toggle(n.key);
              }}
            >
              <span
                class={`twisty ${hasKids ? '' : 'leaf'}`}
                aria-hidden="true"
                onClick={(ev) => {
                  if (!hasKids) return;
                  ev.stopPropagation();
                  toggle(n.key);
                }}
              >
                {hasKids ? (r.expanded ? '▾' : '▸') : ''}
              </span>
              {e && <span class="type-tag">{e.type}</span>}
              <span class="tree-label">{n.label}</span>
              {e?.type === 'area' && !hasKids && (
                <span class="tree-empty-note" data-testid="empty-area" title="No component, app or subarea belongs to this area: the manifest declares none, or none of its nodes is running">
                  empty
                </span>
              )}
              {e && <StateBadge entity={e} />}
              {e && e.source && e.source !== 'manifest' && <SourceTag source={e.source} />}
              {e && <FaultCountBadge count={counts.get(countKey(e.type, e.id))} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

// Sortable fault table shared by the dashboard and the entity Faults tab. Sort buttons sit in the
// column headers with aria-sort; each row links to the fault detail.
import { useState } from 'preact/hooks';
import { sortFaults, type FaultSortKey, type FaultView } from '../../model/faults';
import { TYPE_OF_SEGMENT, type EntityType } from '../../model/entities';
import { routeHash } from '../../model/route';
import { SeverityBadge, StatusBadge } from '../badges';

const COLUMNS: { key: FaultSortKey; label: string }[] = [
  { key: 'severity', label: 'Severity' },
  { key: 'code', label: 'Code' },
  { key: 'status', label: 'Status' },
  { key: 'entity', label: 'Entity' },
  { key: 'count', label: 'Count' },
  { key: 'last', label: 'Last seen' },
];

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

export interface FaultTableProps {
  faults: FaultView[];
  /** Resolves the entity a fault's detail is read through. */
  entityOf: (f: FaultView) => { type: EntityType; id: string } | undefined;
  caption: string;
}

export function FaultTable({ faults, entityOf, caption }: FaultTableProps) {
  const [sort, setSort] = useState<{ key: FaultSortKey; dir: 'asc' | 'desc' }>({ key: 'last', dir: 'desc' });
  const rows = sortFaults(faults, sort.key, sort.dir);
  const by = (key: FaultSortKey) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'desc' ? 'asc' : 'desc' }));
  return (
    <table class="grid fault-table" data-testid="fault-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
              <button type="button" class="sort" onClick={() => by(c.key)}>
                {c.label}
                <span aria-hidden="true">{sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => {
          const ent = entityOf(f);
          const href = routeHash({ view: 'fault', code: f.code, type: ent?.type, id: ent?.id });
          return (
            <tr key={f.key} data-code={f.code} class={`row-${f.rawStatus.toLowerCase()}`}>
              <td>
                <SeverityBadge severity={f.severity} />
              </td>
              <FaultCodeCell fault={f} href={href} />
              <td>
                <StatusBadge raw={f.rawStatus} />
              </td>
              <td>{f.entityId ?? f.reportingSources.join(', ')}</td>
              <td class="num">{f.occurrences ?? '—'}</td>
              <td>{formatTime(f.lastMs)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The row header of a fault: its code linking to the detail, and its title when that says more. */
export function FaultCodeCell({ fault, href }: { fault: { code: string; title: string }; href: string }) {
  return (
    <th scope="row">
      <a href={href}>
        <code>{fault.code}</code>
      </a>
      {fault.title !== fault.code && <div class="small">{fault.title}</div>}
    </th>
  );
}

/** Entity of a fault: the SSE entity_type/entity_id, entity_id in the tree, or a reporting app. */
export function faultEntityResolver(input: { apps: { id: string; node?: string }[]; components: { id: string }[]; areas: { id: string }[]; functions: { id: string }[] }) {
  return (f: FaultView): { type: EntityType; id: string } | undefined => {
    if (f.entityType && f.entityId && TYPE_OF_SEGMENT[f.entityType]) return { type: TYPE_OF_SEGMENT[f.entityType], id: f.entityId };
    if (f.entityId) {
      for (const [list, type] of [
        [input.apps, 'app'],
        [input.components, 'component'],
        [input.functions, 'function'],
        [input.areas, 'area'],
      ] as const) {
        if (list.some((e) => e.id === f.entityId)) return { type, id: f.entityId };
      }
      return { type: 'app', id: f.entityId };
    }
    for (const src of f.reportingSources) {
      const app = input.apps.find((a) => a.id === src || (a.node !== undefined && (a.node === src || src.startsWith(`${a.node}/`))));
      if (app) return { type: 'app', id: app.id };
    }
    return undefined;
  };
}

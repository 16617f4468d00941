// Sortable fault table shared by the dashboard and the entity Faults tab. Sort buttons sit in the
// column headers with aria-sort; each row links to the fault detail.
import { useState } from 'preact/hooks';
import { sortFaults, type FaultSortKey, type FaultView } from '../../model/faults';
import { TYPE_OF_SEGMENT, type EntityType } from '../../model/entities';
import { groupByRootCause } from '../../model/fault-groups';
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

import { formatTime } from '../../model/time';

export { formatTime };

interface FaultTableProps {
  faults: FaultView[];
  /** Resolves the entity a fault's detail is read through. */
  entityOf: (f: FaultView) => { type: EntityType; id: string } | undefined;
  caption: string;
  /** Correlation (symptom code → root cause code): symptoms are listed under their root cause. */
  rootCauses?: Map<string, string>;
  /** Every fault, where a root cause not among `faults` is taken from. */
  all?: FaultView[];
}

export function FaultTable({ faults, entityOf, caption, rootCauses, all }: FaultTableProps) {
  const [sort, setSort] = useState<{ key: FaultSortKey; dir: 'asc' | 'desc' }>({ key: 'last', dir: 'desc' });
  const rows = groupByRootCause(sortFaults(faults, sort.key, sort.dir), sortFaults(all ?? faults, sort.key, sort.dir), rootCauses ?? new Map());
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
        {rows.map(({ fault: f, depth, rootCause, keptForSymptoms }) => {
          const ent = entityOf(f);
          const href = routeHash({ view: 'fault', code: f.code, type: ent?.type, id: ent?.id });
          const isRoot = depth === 0 && rows.some((r) => r.rootCause === f.code);
          const group = depth === 1 ? ' fault-group-symptom' : isRoot ? ` fault-group-root${f.rawStatus === 'HEALED' || f.rawStatus === 'CLEARED' ? ' healed' : ''}` : '';
          return (
            <tr key={f.key} data-code={f.code} data-entity={f.entityId} data-root-cause={rootCause} data-kept-for-symptoms={keptForSymptoms ? 'true' : undefined} class={`row-${f.rawStatus.toLowerCase()}${group}`}>
              <td>
                <SeverityBadge severity={f.severity} />
              </td>
              <FaultCodeCell fault={f} href={href} incident={ent ? routeHash({ view: 'incident', code: f.code, type: ent.type, id: ent.id }) : undefined} note={depth === 1 ? `symptom of ${rootCause}` : isRoot ? 'root cause' : undefined} />
              <td>
                <StatusBadge raw={f.rawStatus} />
                {f.acknowledgedBy && <span class="muted small" data-testid="acknowledged-by"> · ack. {f.acknowledgedBy}</span>}
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
export function FaultCodeCell({ fault, href, incident, note }: { fault: { code: string; title: string }; href: string; incident?: string; note?: string }) {
  return (
    <th scope="row">
      {note && <span class="muted small group-note">{note} </span>}
      <a href={href}>
        <code>{fault.code}</code>
      </a>
      {incident && (
        <>
          {' '}
          <a class="small incident-link" href={incident} aria-label={`Incident view of ${fault.code}`}>
            incident
          </a>
        </>
      )}
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

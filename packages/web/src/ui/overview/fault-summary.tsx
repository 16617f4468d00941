// Active faults counted by severity, and the latest incidents with a preview, each opening its incident view.
import { FAULT_SEVERITIES } from '../../model/severity';
import { isActive, type FaultView } from '../../model/faults';
import { SeverityBadge, StatusBadge } from '../badges';
import { formatTime } from '../faults/fault-table';
import { routeHash } from '../../model/route';
import type { EntityType } from '../../model/entities';

export function ActiveBySeverity({ faults }: { faults: FaultView[] }) {
  const active = faults.filter(isActive);
  return (
    <ul class="severity-counts" data-testid="active-by-severity">
      {[...FAULT_SEVERITIES].reverse().map((s) => {
        const n = active.filter((f) => f.severity.level === s.level).length;
        return (
          <li key={s.label} data-severity={s.label} data-count={n}>
            <SeverityBadge severity={s} /> {n}
          </li>
        );
      })}
      <li>
        <a href="#/faults">{active.length} active in all</a>
      </li>
    </ul>
  );
}

export function LastIncidents({ faults, entityOf, limit = 5 }: { faults: FaultView[]; entityOf: (f: FaultView) => { type: EntityType; id: string } | undefined; limit?: number }) {
  const latest = [...faults].sort((a, b) => (b.lastMs ?? 0) - (a.lastMs ?? 0)).slice(0, limit);
  if (latest.length === 0) return <p class="muted">No fault has been reported.</p>;
  return (
    <ul class="incidents" data-testid="last-incidents">
      {latest.map((f) => {
        const e = entityOf(f);
        return (
          <li key={f.key} class="card incident-preview" data-code={f.code}>
            <SeverityBadge severity={f.severity} /> {e ? <a href={routeHash({ view: 'incident', type: e.type, id: e.id, code: f.code })}><code>{f.code}</code></a> : <code>{f.code}</code>}{' '}
            <StatusBadge raw={f.rawStatus} />
            <div class="small">{f.title !== f.code ? f.title : ''}</div>
            <div class="muted small">
              {e ? e.id : f.reportingSources.join(', ')} · last {formatTime(f.lastMs)}
              {f.occurrences ? ` · ${f.occurrences}×` : ''}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

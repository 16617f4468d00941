// A fault's heading, on its own so the incident view's first chunk needs nothing else of the fault detail page
// (its charts and history stay in their own chunk, loaded after the plots; docs/benchmarks.md, issue 67).
import type { ComponentChildren } from 'preact';
import type { FaultDetailView } from '../../model/fault-detail';
import { formatTime } from '../../model/time';
import { SeverityBadge, StatusBadge } from '../badges';

/** A fault's code and title, severity, status and occurrences; `children` adds to that line, `after` follows it. */
export function FaultHead({ detail: d, children, after }: { detail: FaultDetailView; children?: ComponentChildren; after?: ComponentChildren }) {
  return (
    <header class="entity-head">
      <h1>
        <code>{d.code}</code> {d.title !== d.code && <span class="title">{d.title}</span>}
      </h1>
      <div class="entity-meta">
        <SeverityBadge severity={d.severity} />
        <StatusBadge raw={d.rawStatus} />
        {d.occurrences !== undefined && <span>{d.occurrences} occurrence{d.occurrences === 1 ? '' : 's'}</span>}
        {children}
      </div>
      {d.acknowledgement && (
        <p class="note" data-testid="acknowledgement">
          Acknowledged by <strong>{d.acknowledgement.by}</strong> at {formatTime(d.acknowledgement.atMs)}
          {d.acknowledgement.note ? <>: “{d.acknowledgement.note}”</> : null}
        </p>
      )}
      {after}
    </header>
  );
}

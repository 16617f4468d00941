// The correlation of the incident's fault: its root cause, or its symptoms, each a link to its own incident.
// Read from GET /faults?include_muted=true (x-medkit.muted_faults; docs/faults.md "Correlation") for the newest
// occurrence; an older one's comes from the status histories (past-correlation-section.tsx), each link opening the
// other fault's occurrence of that time.
import type { Correlation, FaultRef } from './incident-model';
import { incidentHash } from './incident-route';

function RefLink({ r }: { r: FaultRef }) {
  return (
    <li data-code={r.code} data-entity={r.entityId}>
      {r.entityId ? <a href={incidentHash('app', r.entityId, r.code, r.atMs)}>{r.code}</a> : <code>{r.code}</code>}
      {r.entityId && <span class="muted small"> on {r.entityId}</span>}
      {r.status && <span class="muted small"> · {r.status}</span>}
      {r.note && <span class="muted small"> · {r.note}</span>}
      {r.gateway && r.gateway !== 'local' && <span class="muted small"> · via {r.gateway}</span>}
    </li>
  );
}

export function CorrelationSection({ correlation, error }: { correlation?: Correlation; error?: string }) {
  if (error) return <p class="note">The correlation could not be read: {error}</p>;
  if (!correlation) return <p class="muted">Loading…</p>;
  const { rootCause, symptoms, ruleId } = correlation;
  if (!rootCause && symptoms.length === 0) {
    return <p class="muted" data-testid="correlation-none">No correlation: this fault is neither a root cause with symptoms nor a symptom of another fault (rules: <code>faults.correlation.config_file</code>).</p>;
  }
  return (
    <div data-testid="correlation">
      {rootCause && (
        <>
          <h3>Root cause</h3>
          <ul data-testid="root-cause">
            {rootCause.map((r) => (
              <RefLink key={`${r.code}@${r.entityId}`} r={r} />
            ))}
          </ul>
        </>
      )}
      {symptoms.length > 0 && (
        <>
          <h3>Symptoms</h3>
          <ul data-testid="symptoms">
            {symptoms.map((r) => (
              <RefLink key={`${r.code}@${r.entityId}`} r={r} />
            ))}
          </ul>
        </>
      )}
      {ruleId && <p class="muted small">Rule <code>{ruleId}</code>.</p>}
    </div>
  );
}

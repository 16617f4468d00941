// The global fault dashboard: every fault of the federated tree (GET /faults), kept live by the
// SSE stream, filtered by status, severity, entity and text.
import { useMemo, useState } from 'preact/hooks';
import { DEFAULT_FILTER, filterFaults, isActive, type FaultFilter } from '../../model/faults';
import { FAULT_SEVERITIES } from '../../model/severity';
import { useApp } from '../context';
import { FaultTable, faultEntityResolver } from './fault-table';
import { StatusSelect } from './status-select';

export function FaultDashboard() {
  const { faults, tree } = useApp();
  const [filter, setFilter] = useState<FaultFilter>(DEFAULT_FILTER);
  const rows = useMemo(() => filterFaults(faults.faults, filter), [faults.faults, filter]);
  const entityOf = useMemo(() => faultEntityResolver(tree.input), [tree.input]);
  const set = (patch: Partial<FaultFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const active = faults.faults.filter(isActive);
  const bySeverity = FAULT_SEVERITIES.map((s) => ({ s, n: active.filter((f) => f.severity.level === s.level).length }));

  return (
    <section class="panel" data-testid="fault-dashboard">
      <h1>Faults</h1>
      <p class="summary" aria-live="polite">
        <span data-testid="active-count">{active.length}</span> active
        {bySeverity
          .filter((b) => b.n > 0)
          .reverse()
          .map((b) => (
            <span key={b.s.label} class={`badge ${b.s.css}`}>
              {b.n} {b.s.label}
            </span>
          ))}
        <span class="muted small">
          · live updates: {faults.stream === 'live' ? 'on' : faults.stream}
        </span>
        <a class="small push-right" href="#/incident-file" data-testid="open-incident-file">
          Open an incident file…
        </a>
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Fault filters">
        <StatusSelect id="f-status" value={filter.status} onChange={(status) => set({ status })} />
        <label for="f-severity">Severity at least</label>
        <select id="f-severity" value={String(filter.minSeverity)} onChange={(e) => set({ minSeverity: Number((e.target as HTMLSelectElement).value) })}>
          <option value="-1">Any</option>
          {FAULT_SEVERITIES.map((s) => (
            <option key={s.level} value={String(s.level)}>
              {s.label}
            </option>
          ))}
        </select>
        <label for="f-entity">Entity</label>
        <input id="f-entity" type="search" value={filter.entity} placeholder="id or source" onInput={(e) => set({ entity: (e.target as HTMLInputElement).value })} />
        <label for="f-text">Code or text</label>
        <input id="f-text" type="search" value={filter.text} onInput={(e) => set({ text: (e.target as HTMLInputElement).value })} />
      </form>
      {faults.unsupported && <p class="note">This gateway serves no fault routes.</p>}
      {faults.error && (
        <p class="error" role="alert">
          Could not load faults: {faults.error}
        </p>
      )}
      {!faults.loaded ? (
        <p class="muted">Loading faults…</p>
      ) : rows.length === 0 ? (
        <p class="muted" data-testid="no-faults">
          {faults.faults.length === 0 ? 'No faults reported.' : 'No fault matches these filters.'}
        </p>
      ) : (
        <FaultTable faults={rows} all={faults.faults} rootCauses={faults.rootCauses} entityOf={entityOf} caption="Faults" />
      )}
    </section>
  );
}

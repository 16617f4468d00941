// Faults in this entity's scope (docs/faults.md–9.5), refreshed whenever the live stream reports
// a change anywhere.
import { useMemo, useState } from 'preact/hooks';
import { normalizeFaultList, filterFaults, DEFAULT_FILTER, type StatusFilter } from '../../model/faults';
import { SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote } from '../errors';
import { FaultTable } from '../faults/fault-table';
import { StatusSelect } from '../faults/status-select';

export function EntityFaultsTab({ entity }: { entity: EntityKey }) {
  const { type, id } = entity;
  const { client, faults } = useApp();
  const [status, setStatus] = useState<StatusFilter>('active');
  const list = usePoll((signal) => client.entityGet(SEGMENT[type], id, '/faults', { signal, query: { status: 'all' } }), [client, type, id], 10_000, true, faults.version);
  const rows = useMemo(() => filterFaults(normalizeFaultList(list.data), { ...DEFAULT_FILTER, status }), [list.data, status]);
  if (list.error && !list.data) return <ErrorNote error={list.error} what="Faults" />;
  if (!list.data) return <p class="muted">Loading faults…</p>;
  return (
    <div class="stack">
      <div class="filters">
        <StatusSelect id="entity-fault-status" value={status} onChange={setStatus} />
      </div>
      {rows.length === 0 ? <p class="muted">No {status === 'all' ? '' : `${status} `}faults on this entity.</p> : <FaultTable faults={rows} caption="Faults of this entity" entityOf={() => ({ type, id })} />}
    </div>
  );
}

// The fault status filter (docs/faults.md values) as a labelled select.
import type { StatusFilter } from '../../model/faults';

const OPTIONS: [StatusFilter, string][] = [
  ['active', 'Active (pending + confirmed)'],
  ['confirmed', 'Confirmed'],
  ['pending', 'Pending'],
  ['cleared', 'Cleared'],
  ['healed', 'Healed'],
  ['all', 'All'],
];

export function StatusSelect({ id, value, onChange }: { id: string; value: StatusFilter; onChange: (v: StatusFilter) => void }) {
  return (
    <>
      <label for={id}>Status</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value as StatusFilter)}>
        {OPTIONS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}

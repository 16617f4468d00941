// The fault's occurrences, newest first, each a link to its own incident page (the URL carries it); shown
// when there is more than one to choose from.
import type { EntityType } from '../model/entities';
import { formatTime } from '../model/time';
import { incidentHash } from './incident-route';
import type { Occurrence } from './occurrences';

export function OccurrencePicker({ list, chosen, type, id, code, total }: { list: Occurrence[]; chosen?: Occurrence; type: EntityType; id: string; code: string; total?: number }) {
  if (list.length < 2) return null;
  // The fault's count and this list are one number unless the stored history was cut (faults.history.max_per_fault).
  const missing = total !== undefined && total > list.length ? total - list.length : 0;
  return (
    <nav class="occurrences" aria-label={`Occurrences of ${code}`} data-testid="occurrences">
      <span class="small">
        Occurrences ({list.length}
        {missing > 0 && <> shown; {missing} earlier not in the stored history</>}):
      </span>
      <ul>
        {list.map((o) => (
          <li key={o.atMs}>
            <a href={incidentHash(type, id, code, o.atMs)} aria-current={o === chosen ? 'page' : undefined} data-at={o.atMs} data-number={o.number}>
              {o.number !== undefined && `#${o.number} `}
              {formatTime(o.atMs)}
            </a>{' '}
            <span class="muted small">{o.recording ? (o.captureMs !== undefined ? 'freeze frame and recording' : 'recording') : 'freeze frame, no recording'}</span>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// The fault's occurrences, newest first, a page at a time (a fault may have thousands): each row its time, how long
// it lasted and what evidence it has, a link to its own page (the URL carries it). Shown when there is more
// than one to choose from.
import { useEffect, useState } from 'preact/hooks';
import { formatTime } from '../model/time';
import type { Occurrence } from './occurrences';
import { durationMs, evidenceText, formatSpan, occurrencePage } from './occurrence-evidence';

const PAGE_SIZE = 20;

export function OccurrencePicker({ list, chosen, code, total, hrefOf }: { list: Occurrence[]; chosen?: Occurrence; code: string; total?: number; hrefOf: (o: Occurrence) => string }) {
  const [asked, setAsked] = useState<number | undefined>(undefined);
  // Choosing another occurrence brings its page back into view.
  useEffect(() => setAsked(undefined), [chosen?.atMs]);
  if (list.length < 2) return null;
  const { items, page, count } = occurrencePage(list, chosen, PAGE_SIZE, asked);
  // The fault's count and this list are one number unless the stored history was cut (faults.history.max_per_fault).
  const missing = total !== undefined && total > list.length ? total - list.length : 0;
  return (
    <nav class="occurrences" aria-label={`Occurrences of ${code}`} data-testid="occurrences" data-page={page + 1} data-pages={count}>
      <p class="small">
        Occurrences ({list.length}
        {missing > 0 && <> shown; {missing} earlier not in the stored history</>}), newest first
        {count > 1 && (
          <span class="pager">
            {' '}
            <button type="button" data-testid="occurrences-newer" disabled={page === 0} onClick={() => setAsked(page - 1)}>
              ‹ Newer
            </button>{' '}
            page {page + 1} of {count}{' '}
            <button type="button" data-testid="occurrences-older" disabled={page >= count - 1} onClick={() => setAsked(page + 1)}>
              Older ›
            </button>
          </span>
        )}
      </p>
      <div class="table-scroll">
        <table class="grid small occurrence-list">
          <thead>
            <tr>
              <th scope="col">Occurrence</th>
              <th scope="col">Duration</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => {
              const ms = durationMs(o);
              return (
                <tr key={o.atMs} class={o === chosen ? 'chosen' : undefined} data-testid="occurrence-row">
                  <td>
                    <a href={hrefOf(o)} aria-current={o === chosen ? 'page' : undefined} data-at={o.atMs} data-number={o.number}>
                      {o.number !== undefined && `#${o.number} `}
                      {formatTime(o.atMs)}
                    </a>
                  </td>
                  <td>{ms !== undefined ? formatSpan(ms) : o.number !== undefined && o === list[0] ? 'active' : '—'}</td>
                  <td data-evidence={evidenceText(o)}>{evidenceText(o)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </nav>
  );
}

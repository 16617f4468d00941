// The correlation panel of an older occurrence: its root cause and symptoms as they were then, from the status
// histories (occurrence-correlation.ts), saying plainly what the histories could not tell and naming the nearest
// occurrence that has a record (issue 67).
import type { MedkitClient } from '@medkit/client';
import { useMemo } from 'preact/hooks';
import type { StatusChange } from '../model/fault-detail';
import { CorrelationSection } from './correlation-section';
import { occurrenceName } from './occurrence-evidence';
import { pastCorrelation, symptomCandidates, SYMPTOM_READ_CAP, type PastCorrelation } from './occurrence-correlation';
import { useCandidateReads } from './occurrence-correlation-read';
import type { Occurrence } from './occurrences';

interface PastInput {
  client: MedkitClient;
  code: string;
  /** The chosen occurrence when it is an older one (the newest's correlation is the live one). */
  chosen?: Occurrence;
  occurrences: Occurrence[];
  history: StatusChange[];
  listBody: unknown;
  laterRoots: ReadonlyMap<string, string>;
}

/** The older occurrence's correlation, once the histories are read; undefined for the newest. */
export function usePastCorrelation({ client, code, chosen, occurrences, history, listBody, laterRoots }: PastInput): { past?: PastCorrelation; error?: Error } | undefined {
  const listed = listBody !== undefined;
  const candidates = useMemo(() => (listed ? symptomCandidates(listBody, code, laterRoots) : []), [listBody, laterRoots, code, listed]);
  const key = chosen && listed ? `${code}@${chosen.atMs}` : undefined;
  const reads = useCandidateReads(client, key, candidates);
  const past = useMemo(() => (chosen && reads.data ? pastCorrelation(code, chosen, occurrences, history, reads.data, listBody) : undefined), [chosen, reads.data, occurrences, history, listBody, code]);
  return chosen ? { past, error: reads.error } : undefined;
}

export function PastCorrelationSection({ code, chosen, past, error, hrefOf }: { code: string; chosen: Occurrence; past?: PastCorrelation; error?: Error; hrefOf: (o: Occurrence) => string }) {
  const which = occurrenceName(chosen);
  if (error) return <p class="note">The correlation of occurrence {which} could not be worked out: {error.message}</p>;
  if (!past) return <p class="muted">Reading the status histories of occurrence {which}…</p>;
  const near = past.nearest && (
    <>
      {' '}
      Nearest occurrence {past.noRecord ? 'on record' : 'with one'}: <a href={hrefOf(past.nearest)} data-testid="correlation-nearest">{occurrenceName(past.nearest)}</a>.
    </>
  );
  const { rootCause, symptoms } = past.correlation;
  return (
    <div data-testid="correlation-past" data-occurrence={chosen.number}>
      {past.noRecord ? (
        <p class="note" data-testid="correlation-no-record">
          No record of the root cause for occurrence {which}:{' '}
          {chosen.number === undefined ? 'the gateway keeps no status history of this fault.' : "the fault's status history kept (faults.history.max_per_fault) no longer reaches back to it."}
          {near}
        </p>
      ) : (
        !rootCause && symptoms.length === 0 && (
          <p class="muted" data-testid="correlation-none">
            No correlation recorded for occurrence {which}: it was muted under no root cause, and no fault was found muted under it.{near}
          </p>
        )
      )}
      {(rootCause || symptoms.length > 0) && <CorrelationSection correlation={past.correlation} />}
      {past.released && <p class="muted small">Its root cause's gateway went offline during the occurrence, which released it.</p>}
      {past.unknown.length > 0 && (
        <p class="note" data-testid="correlation-unknown">
          Cannot tell whether these were its symptoms: {past.unknown.map((u) => `${u.code} ${u.why}`).join('; ')}.
        </p>
      )}
      {past.checked < past.candidates && (
        <p class="note" data-testid="correlation-capped">
          Only the first {SYMPTOM_READ_CAP} of the {past.candidates} faults muted under {code} now were checked.
        </p>
      )}
      {(past.candidates > 0 || (!rootCause && symptoms.length === 0)) && <p class="muted small">
        From the status histories: its own, and those of the faults muted under {code} now ({past.candidates}); the gateway does not serve its correlation rules, so a symptom no longer muted under it is not found.
      </p>}
    </div>
  );
}

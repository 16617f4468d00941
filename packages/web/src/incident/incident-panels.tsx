// The incident view's panels besides the plots — the occurrence list, the recordings to download, the correlation,
// the freeze frame, the log lines and the graph neighbourhood — in a chunk of their own, loaded and drawn once the
// plots are (incident-page.tsx): what the user opened the page for is drawn first, and these panels' code, reads and
// rendering do not compete with it on a busy machine (docs/benchmarks.md, issue 67).
import { useMemo } from 'preact/hooks';
import type { EntityType } from '../model/entities';
import type { FaultDetailView } from '../model/fault-detail';
import type { RecordingView } from '../model/freeze-frame';
import { useApp } from '../ui/context';
import { OwnFrames, RecordingList } from '../ui/faults/detail';
import { worstActiveByEntity } from '../graph/worst-fault';
import { correlationOf, withLiveStatuses } from './incident-model';
import type { Occurrence } from './occurrences';
import { OccurrencePicker } from './occurrence-picker';
import { framesOf, nearestWith, occurrenceName, recordingOwner } from './occurrence-evidence';
import { CorrelationSection } from './correlation-section';
import { PastCorrelationSection, usePastCorrelation } from './past-correlation-section';
import { LogsSection } from './logs-section';
import { NeighbourhoodSection } from './neighbourhood-section';

export { OccurrencePicker };

interface EvidenceProps {
  type: EntityType;
  id: string;
  code: string;
  detail: FaultDetailView;
  occurrences: Occurrence[];
  chosen?: Occurrence;
  recordings: RecordingView[];
  /** The chosen occurrence's name, when there is one to name. */
  which?: string;
  range: [number, number];
  hrefOf: (o: Occurrence) => string;
}

/** Everything below the plots: the recordings, the correlation and freeze frame side by side, the logs, the graph. */
export function IncidentEvidence({ type, id, code, detail: d, occurrences, chosen, recordings, which, range, hrefOf }: EvidenceProps) {
  const { client, faults, tree } = useApp();
  // The fault store's list (muted symptoms included) with the root causes muted symptoms' events named since; the
  // last list stays until the next arrives, so the correlation and the log lines it selects stay put meanwhile.
  // Every status on the page is the store's (it follows the stream): the fault's own and its root cause's or
  // symptoms', so no two of them are from different moments.
  const correlation = useMemo(() => (faults.listBody !== undefined ? withLiveStatuses(correlationOf(faults.listBody, code, faults.rootCauses), faults.faults) : undefined), [faults.listBody, faults.rootCauses, faults.faults, code]);
  const newest = !chosen || chosen === occurrences[0];
  // An older occurrence's correlation is the one of its time, from the status histories (issue 67).
  const past = usePastCorrelation({ client, code, chosen: newest ? undefined : chosen, occurrences, history: d.history, listBody: faults.listBody, laterRoots: faults.rootCauses });
  const shown = past ? past.past?.correlation : correlation;
  const worst = useMemo(() => worstActiveByEntity(faults.faults), [faults.faults]);
  const own = framesOf(d.frames, chosen);
  const nearFrame = own.frames.length === 0 ? nearestWith(occurrences, chosen, (o) => o.captureMs !== undefined) : undefined;
  const appIds = new Set(tree.input.apps.map((a) => a.id));
  const involved = [...new Set([type === 'app' ? id : undefined, ...(shown?.rootCause ?? []).map((r) => r.entityId), ...(shown?.symptoms ?? []).map((r) => r.entityId)])].filter(
    (x): x is string => !!x && appIds.has(x),
  );
  return (
    <>
      <RecordingList recordings={recordings} client={client} whose={(r) => recordingOwner(r, occurrences, chosen)} />

      <div class="two-col">
        <section>
          <h2>Correlation{which && <span class="muted small"> of occurrence {which}</span>}</h2>
          {past && chosen && faults.listBody !== undefined ? (
            <PastCorrelationSection code={code} chosen={chosen} past={past.past} error={past.error} hrefOf={hrefOf} />
          ) : (
            <CorrelationSection correlation={correlation} error={faults.listBody === undefined ? (faults.unsupported ? 'this gateway serves no fault list' : faults.error) : undefined} />
          )}
        </section>
        <section>
          <h2>Freeze frame at confirmation{which && <span class="muted small"> of occurrence {which}</span>}</h2>
          <OwnFrames frames={own.frames} unattributed={own.unattributed} which={which} nearest={nearFrame && { name: occurrenceName(nearFrame), href: hrefOf(nearFrame) }} />
        </section>
      </div>

      <h2>Log lines of the window{which && <span class="muted small"> of occurrence {which}</span>}</h2>
      {involved.length > 0 ? <LogsSection client={client} appIds={involved} range={range} /> : <p class="note">No App of this gateway's tree is involved, so there are no log routes to read.</p>}

      <h2>Graph neighbourhood</h2>
      {type === 'app' ? <NeighbourhoodSection client={client} appId={id} worst={worst} /> : <p class="note">The fault belongs to a {type}, not to a ROS node; open one of its Apps for the graph.</p>}
    </>
  );
}

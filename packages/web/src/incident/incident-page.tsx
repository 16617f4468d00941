// The incident view: one fault occurrence with everything recorded around it — a time axis over the black-box
// recording's span with the fault's instants, the recording decoded in the browser and plotted per topic
// with one shared cursor, the freeze frame at confirmation, the correlation, the log lines of the window,
// the faulting node's graph neighbourhood and the download. Each section says why when its data is missing.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { prewarmDecoder } from './decoder-worker';
import { entityPath, type EntityType } from '../model/entities';
import { normalizeFaultDetail } from '../model/fault-detail';

import { isObj, str } from '../model/json';
import { DownloadLink } from '../ui/download-link';
import { routeHash } from '../model/route';
import { useApp } from '../ui/context';
import { usePoll } from '../ui/hooks';
import { useModule } from '../ui/lazy';
import { ErrorNote } from '../ui/errors';
import { FaultHead } from '../ui/faults/fault-head';
import { axisMarks, faultInstantSec, liveFault, withLiveState } from './incident-model';
import { incidentHash } from './incident-route';
import { faultRecordings, occurrencesOf, pickOccurrence, recordingDue } from './occurrences';
import { freshnessKey, readNotingShown, type ShownFault } from '../state/freshness';
import { nearestWith, occurrenceName, occurrenceWindow } from './occurrence-evidence';
import { RecordingPlots, useRecording } from './recording-section';
import { TimeAxis } from './time-axis';
import { incidentReads, incidentSettled, takePrefetched } from './incident-prefetch';
import { incidentReadPaths } from './incident-read-paths';

/** The panels besides the plots (incident-panels.tsx): loaded once the plots are drawn. */
const loadPanels = () => import('./incident-panels');

/**
 * How often an idle page reads the detail anyway: its events and the fault list already say when it changed, so
 * this is a safety net only (an idle incident page makes a handful of requests a minute, not hundreds).
 */
const SAFETY_POLL_MS = 60_000;

/** How often the detail and the recordings are read while the chosen occurrence's recording is being written. */
const DUE_POLL_MS = 2000;

export function IncidentPage({ type, id, code, at }: { type: EntityType; id: string; code: string; at?: number }) {
  const { client, faults } = useApp();
  const base = entityPath({ type, id });
  const paths = incidentReadPaths(base, code);
  const reads = incidentReads(client, { type, id }, code);
  // The newest occurrence's recording is written seconds after it: until it is listed, both are read every 2 s.
  const [due, setDue] = useState(false);
  // The first of each read was started by the route while this chunk loaded (incident-prefetch.ts).
  // Read again at every fault event (a new occurrence, a heal) and whenever the fault list says otherwise than the
  // last read, keeping what is shown: the page never lags the stream or the list. What the last read showed is set as
  // its answer comes, and compared in the render that answer causes.
  const page = `${base}|${code}`;
  const shown = useRef<ShownFault | undefined>(undefined);
  const fresh = freshnessKey(faults, code, page, shown.current);
  const detail = usePoll(
    (signal) => readNotingShown(() => takePrefetched(client, paths.detail) ?? reads.detail(signal), shown, page, (body) => normalizeFaultDetail(body, code), signal),
    [client, base, code],
    due ? DUE_POLL_MS : SAFETY_POLL_MS,
    true,
    fresh,
  );
  const bags = usePoll((signal) => (takePrefetched(client, paths.recordings) ?? reads.recordings(signal)).catch(() => undefined), [client, base], due ? DUE_POLL_MS : 0, true, fresh);
  const live = liveFault(faults.faults, code, id);
  const d = useMemo(() => (detail.data ? withLiveState(normalizeFaultDetail(detail.data, code), live) : undefined), [detail.data, code, live?.rawStatus, live?.occurrences]);
  const recordings = useMemo(() => faultRecordings(d, bags.data, base, code), [d, bags.data, base, code]);
  const occurrences = useMemo(() => occurrencesOf(d?.frames ?? [], recordings, d?.history), [d, recordings]);
  const chosen = pickOccurrence(occurrences, at);
  const rec = chosen?.recording;
  const dueNow = recordingDue(chosen, occurrences, Date.now());
  useEffect(() => setDue(dueNow), [dueNow]);
  // The recording is fetched as soon as either the detail or the bulk-data listing names it.
  const recording = useRecording(client, rec);
  useEffect(prewarmDecoder, []);
  // The recording drawn, failed or absent: the UI's background reads may go — once the plots are on screen (the
  // frame after this render's), so their answers do not compete with drawing them. Leaving the view lets them go too.
  const settled = (!!detail.error && !detail.data) || (d !== undefined && (recording.kind === 'ready' || recording.kind === 'failed' || (recording.kind === 'none' && !bags.loading)));
  // The other panels' chunk is asked for at the same moment: nothing of theirs is loaded, read or drawn before the plots.
  const [panelsDue, setPanelsDue] = useState(false);
  const panels = useModule(panelsDue ? loadPanels : undefined);
  useEffect(() => {
    if (!settled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(
      () =>
        (timer = setTimeout(() => {
          incidentSettled();
          setPanelsDue(true);
        })),
    );
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [settled]);
  useEffect(() => incidentSettled, []);
  if (detail.error && !detail.data) {
    return (
      <section class="panel">
        <h1>
          Incident <code>{code}</code> on {id}
        </h1>
        <ErrorNote error={detail.error} />
      </section>
    );
  }
  if (!d) return <section class="panel"><h1>Loading incident {code}…</h1></section>;

  const ready = recording.kind === 'ready' && recording.recording.messageCount > 0 ? recording.recording : undefined;
  // Everything below is the chosen occurrence's: its instant, its recording's span or the window around it.
  const faultAt = chosen ? chosen.atMs / 1000 : faultInstantSec(d, ready ? [ready.startSec, ready.endSec] : undefined);
  const range: [number, number] = ready ? [ready.startSec, ready.endSec] : chosen ? occurrenceWindow(chosen) : faultAt !== undefined ? [faultAt - 10, faultAt + 5] : [Date.now() / 1000 - 15, Date.now() / 1000];
  const marks = axisMarks(detail.data, d, faults.liveHistory.get(code) ?? [], chosen);
  const which = chosen ? occurrenceName(chosen) : undefined;
  const link = (o: { atMs: number }) => incidentHash(type, id, code, o.atMs);
  const nearRecording = !rec ? nearestWith(occurrences, chosen, (o) => !!o.recording) : undefined;
  const gatewayOf = isObj(detail.data) ? str((detail.data as { 'x-medkit'?: { gateway?: string } })['x-medkit']?.gateway) : undefined;

  return (
    <section class="panel incident" data-testid="incident" data-fault-time={faultAt}>
      <p class="crumbs">
        <a href="#/faults">Faults</a> › <a href={routeHash({ view: 'entity', type, id, tab: 'faults' })}>{id}</a> ›{' '}
        <a href={routeHash({ view: 'fault', type, id, code })}>fault detail</a>
      </p>
      <FaultHead detail={d}>
        {gatewayOf && <span class="muted">via {gatewayOf}</span>}
        <span data-testid="export-incident">
          <DownloadLink client={client} path={`${base}/faults/${encodeURIComponent(code)}/incident`}>
            Export incident (MCAP)
          </DownloadLink>
        </span>
        <a href={routeHash({ view: 'incident-file' })}>Open an incident file…</a>
      </FaultHead>
      {panels && <panels.OccurrencePicker list={occurrences} chosen={chosen} code={code} total={d.occurrences} hrefOf={link} />}
      <TimeAxis range={range} marks={marks} source={ready ? `${which ? `occurrence ${which}'s` : 'the'} recording` : `around ${which ? `occurrence ${which}` : 'the fault'}, no recording decoded`} />

      <h2>Black-box recording{which && <span class="muted small"> of occurrence {which}</span>}</h2>
      <RecordingPlots state={recording} range={range} faultSec={faultAt} nearest={nearRecording && { name: occurrenceName(nearRecording), href: link(nearRecording) }} due={dueNow} />
      {panels ? (
        <panels.IncidentEvidence type={type} id={id} code={code} detail={d} occurrences={occurrences} chosen={chosen} recordings={recordings} which={which} range={range} hrefOf={link} />
      ) : (
        <p class="muted small" data-testid="panels-pending">
          The recordings, correlation, freeze frame, log lines and graph follow once the plots are drawn.
        </p>
      )}
    </section>
  );
}

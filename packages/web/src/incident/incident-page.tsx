// The incident view: one fault occurrence with everything recorded around it — a time axis over the black-box
// recording's span with the fault's instants, the recording decoded in the browser and plotted per topic
// with one shared cursor, the freeze frame at confirmation, the correlation, the log lines of the window,
// the faulting node's graph neighbourhood and the download. Each section says why when its data is missing.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { prewarmDecoder } from './decoder-worker';
import { entityPath, type EntityType } from '../model/entities';
import { normalizeFaultDetail } from '../model/fault-detail';
import type { FrameView, RecordingView } from '../model/freeze-frame';
import { isObj, str } from '../model/json';
import { DownloadLink } from '../ui/download-link';
import { routeHash } from '../model/route';
import { formatTime } from '../model/time';
import { useApp } from '../ui/context';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { FaultHead, FrameList, RecordingList } from '../ui/faults/detail';
import { worstActiveByEntity } from '../graph/worst-fault';
import { axisMarks, correlationOf, faultInstantSec } from './incident-model';
import { faultRecordings, occurrencesOf, pickOccurrence, recordingDue, type Occurrence } from './occurrences';
import { freshnessKey } from '../state/freshness';
import { OccurrencePicker } from './occurrence-picker';
import { RecordingPlots, useRecording } from './recording-section';
import { TimeAxis } from './time-axis';
import { CorrelationSection } from './correlation-section';
import { LogsSection } from './logs-section';
import { NeighbourhoodSection } from './neighbourhood-section';
import { incidentReadPaths, incidentReads, incidentSettled, takePrefetched } from './incident-prefetch';

/** How often the detail and the recordings are read while the chosen occurrence's recording is being written. */
const DUE_POLL_MS = 2000;

/** Seconds shown before and after the fault when there is no recording to span. */
const FALLBACK_BEFORE = 10;
const FALLBACK_AFTER = 5;

/** The capture set nearest the occurrence's instant (the freeze frame at confirmation). */
function framesAt(frames: FrameView[], atSec: number | undefined): FrameView[] {
  const times = [...new Set(frames.map((f) => f.capturedAtMs).filter((t): t is number => t !== undefined))];
  if (times.length <= 1 || atSec === undefined) return frames;
  const best = times.reduce((a, b) => (Math.abs(b / 1000 - atSec) < Math.abs(a / 1000 - atSec) ? b : a));
  return frames.filter((f) => f.capturedAtMs === undefined || f.capturedAtMs === best);
}

export function IncidentPage({ type, id, code, at }: { type: EntityType; id: string; code: string; at?: number }) {
  const { client, faults, tree } = useApp();
  const base = entityPath({ type, id });
  const paths = incidentReadPaths(base, code);
  const reads = incidentReads(client, { type, id }, code);
  // The newest occurrence's recording is written seconds after it: until it is listed, both are read every 2 s.
  const [due, setDue] = useState(false);
  // The first of each read was started by the route while this chunk loaded (incident-prefetch.ts).
  // Read again at every fault event (a new occurrence, a heal) and whenever the fault list says otherwise than the
  // last read, keeping what is shown: the page never lags the stream or the list.
  const fresh = freshnessKey(faults, code);
  const detail = usePoll((signal) => takePrefetched(client, paths.detail) ?? reads.detail(signal), [client, base, code], due ? DUE_POLL_MS : 15_000, true, fresh);
  const bags = usePoll((signal) => (takePrefetched(client, paths.recordings) ?? reads.recordings(signal)).catch(() => undefined), [client, base], due ? DUE_POLL_MS : 0, true, fresh);
  const d = useMemo(() => (detail.data ? normalizeFaultDetail(detail.data, code) : undefined), [detail.data, code]);
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
  useEffect(() => {
    if (!settled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(incidentSettled)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [settled]);
  useEffect(() => incidentSettled, []);
  // The fault store's list (muted symptoms included) with the root causes muted symptoms' events named since; the
  // last list stays until the next arrives, so the correlation and the log lines it selects stay put meanwhile.
  const correlation = useMemo(() => (faults.listBody !== undefined ? correlationOf(faults.listBody, code, faults.rootCauses) : undefined), [faults.listBody, faults.rootCauses, code]);
  const worst = useMemo(() => worstActiveByEntity(faults.faults), [faults.faults]);

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
  const faultAt = faultInstantSec(d, ready ? [ready.startSec, ready.endSec] : undefined, chosen?.captureMs !== undefined ? chosen.captureMs / 1000 : undefined);
  const range: [number, number] = ready ? [ready.startSec, ready.endSec] : faultAt !== undefined ? [faultAt - FALLBACK_BEFORE, faultAt + FALLBACK_AFTER] : [Date.now() / 1000 - 15, Date.now() / 1000];
  const marks = axisMarks(detail.data, d, faults.liveHistory.get(code) ?? []);
  const appIds = new Set(tree.input.apps.map((a) => a.id));
  const involved = [...new Set([type === 'app' ? id : undefined, ...(correlation?.rootCause ?? []).map((r) => r.entityId), ...(correlation?.symptoms ?? []).map((r) => r.entityId)])].filter(
    (x): x is string => !!x && appIds.has(x),
  );
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
      <OccurrencePicker list={occurrences} chosen={chosen} type={type} id={id} code={code} total={d.occurrences} />
      <TimeAxis range={range} marks={marks} source={ready ? 'the recording' : 'around the fault, no recording decoded'} />

      <h2>Black-box recording</h2>
      <RecordingPlots state={recording} range={range} faultSec={faultAt} otherOccurrence={!rec && recordings.length > 0} due={dueNow} />
      <RecordingList recordings={recordings} client={client} whose={(r) => recordingOwner(r, occurrences, chosen)} />

      <div class="two-col">
        <section>
          <h2>Correlation</h2>
          <CorrelationSection correlation={correlation} error={faults.listBody === undefined ? (faults.unsupported ? 'this gateway serves no fault list' : faults.error) : undefined} />
        </section>
        <section>
          <h2>Freeze frame at confirmation</h2>
          <FrameList frames={framesAt(d.frames, chosen?.captureMs !== undefined ? chosen.captureMs / 1000 : faultAt)} />
        </section>
      </div>

      <h2>Log lines of the window</h2>
      {involved.length > 0 ? <LogsSection client={client} appIds={involved} range={range} /> : <p class="note">No App of this gateway's tree is involved, so there are no log routes to read.</p>}

      <h2>Graph neighbourhood</h2>
      {type === 'app' ? <NeighbourhoodSection client={client} appId={id} worst={worst} /> : <p class="note">The fault belongs to a {type}, not to a ROS node; open one of its Apps for the graph.</p>}
    </section>
  );
}

/** Whose a listed recording is: this occurrence's, or which other one's, and the span it covers. */
function recordingOwner(r: RecordingView, occurrences: Occurrence[], chosen: Occurrence | undefined): string {
  const owner = occurrences.find((o) => o.recording?.path === r.path);
  const span = r.capturedAtMs !== undefined ? `${formatTime(r.capturedAtMs)}${r.durationSec ? `, ${r.durationSec.toFixed(1)} s` : ''}` : undefined;
  const who = !owner ? 'not matched to an occurrence' : owner === chosen ? 'this occurrence' : owner.number !== undefined ? `occurrence #${owner.number}` : `the occurrence of ${formatTime(owner.atMs)}`;
  return span ? `${who} · ${span}` : who;
}

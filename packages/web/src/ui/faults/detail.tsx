// One fault (docs/faults.md): status and its history, reporting sources, freeze frames drawn as
// charts, black-box recordings to download, and clearing with a confirmation.
import { useMemo, useRef, useState } from 'preact/hooks';
import { entityPath, SEGMENT, type EntityType } from '../../model/entities';
import { acknowledgeScope, normalizeFaultDetail, unauthenticatedName, type StatusChange } from '../../model/fault-detail';
import { formatBytes, formatDuration, recordingsForFault, type FrameView, type RecordingView } from '../../model/freeze-frame';
import { fieldPathOf, groupFrames, namedFields, type FrameGroup } from '../../model/frame-groups';
import { statusLabel } from '../../model/faults';
import { obj } from '../../model/json';
import { routeHash } from '../../model/route';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { freshnessKey, readNotingShown, type ShownFault } from '../../state/freshness';
import { ErrorNote, errorText } from '../errors';
import { Confirm } from '../dialog';
import { StatusBadge } from '../badges';
import { FreezeFrameChart } from './chart';
import { FaultHead } from './fault-head';
import { faultEntityResolver, formatTime } from './fault-table';
import { DownloadLink } from '../download-link';
import type { MedkitClient } from '@medkit/client';
import { occurrencesOf, pickOccurrence, type Occurrence } from '../../incident/occurrences';
import { framesOf, nearestWith, occurrenceName, recordingOwner } from '../../incident/occurrence-evidence';
import { OccurrencePicker } from '../../incident/occurrence-picker';
import { liveFault, withLiveState } from '../../incident/incident-model';

// The heading lives in its own module (the incident view's first chunk needs only it); its old importers keep this one.
export { FaultHead };

export function FaultDetail({ code, type, id, at }: { code: string; type?: EntityType; id?: string; at?: number }) {
  const { faults, tree } = useApp();
  const known = faults.faults.find((f) => f.code === code && (!id || !f.entityId || f.entityId === id));
  const resolved = useMemo(() => (type && id ? { type, id } : known ? faultEntityResolver(tree.input)(known) : undefined), [type, id, known, tree.input]);
  if (!resolved) {
    return (
      <section class="panel">
        <h1>
          Fault <code>{code}</code>
        </h1>
        {known ? (
          <p class="note">
            No entity of this gateway's tree reported this fault ({known.reportingSources.join(', ') || 'no sources'}), so its detail cannot be read. It is listed on the{' '}
            <a href="#/faults">dashboard</a>.
          </p>
        ) : (
          <p class="muted">{faults.loaded ? 'Unknown fault.' : 'Loading…'}</p>
        )}
      </section>
    );
  }
  return <FaultDetailFor code={code} type={resolved.type} id={resolved.id} at={at} />;
}

function FaultDetailFor({ code, type, id, at }: { code: string; type: EntityType; id: string; at?: number }) {
  const { client, faults, auth } = useApp();
  const clearDenied = auth.refusal('fault.clear');
  const ackDenied = auth.refusal('fault.acknowledge');
  const [ack, setAck] = useState<{ open: boolean; note: string; busy?: boolean; error?: string }>({ open: false, note: '' });
  // Without sign-in the gateway cannot tell who acknowledges: the person gives a name (remembered in this browser).
  const askName = !auth.state.signedIn;
  const [ackName, setAckName] = useState(rememberedName);
  const base = entityPath({ type, id });
  const path = `${base}/faults/${encodeURIComponent(code)}`;
  // Freeze frames are captured after the confirmation that brought the user here: poll briskly until
  // the detail carries a snapshot, then slowly.
  const [captured, setCaptured] = useState(false);
  // Read again at fault events, and when the list shows the fault otherwise than the last read (state/freshness.ts).
  const shown = useRef<ShownFault | undefined>(undefined);
  const fresh = freshnessKey(faults, code, path, shown.current);
  const detail = usePoll(
    async (signal) => {
      const body = await readNotingShown(() => client.entityGet(SEGMENT[type], id, '/faults/{fault_code}', { signal, path: { fault_code: code } }), shown, path, (b) => normalizeFaultDetail(b, code), signal);
      const snaps = obj(obj(body).environment_data).snapshots;
      if (Array.isArray(snaps) && snaps.length > 0) setCaptured(true);
      return body;
    },
    [client, path],
    captured ? 15_000 : 3_000,
    true,
    fresh,
  );
  const bags = usePoll((signal) => client.entityGet(SEGMENT[type], id, '/bulk-data/{category_id}', { signal, path: { category_id: 'rosbags' } }), [client, base], 0, true, fresh);
  const [clear, setClear] = useState<{ open: boolean; busy?: boolean; error?: string; done?: boolean }>({ open: false });

  if (detail.error && !detail.data) {
    return (
      <section class="panel">
        <h1>
          Fault <code>{code}</code>
        </h1>
        <ErrorNote error={detail.error} />
        <p>
          <a href="#/faults">Back to the dashboard</a>
        </p>
      </section>
    );
  }
  if (!detail.data) return <section class="panel"><h1>Loading {code}…</h1></section>;

  // The status the store has (it follows the stream; this read may be a moment older), as on every other page.
  const d = withLiveState(normalizeFaultDetail(detail.data, code), liveFault(faults.faults, code, id));
  const recordings = mergeRecordings(d.recordings, recordingsForFault(bags.data, base, code));
  // The frames and recordings shown are one occurrence's (the URL's, else the newest), and say whose.
  const occurrences = occurrencesOf(d.frames, recordings, d.history);
  const chosen = pickOccurrence(occurrences, at);
  const own = framesOf(d.frames, chosen);
  const nearFrame = own.frames.length === 0 ? nearestWith(occurrences, chosen, (o) => o.captureMs !== undefined) : undefined;
  const which = chosen ? occurrenceName(chosen) : undefined;
  const here = (o: Occurrence) => routeHash({ view: 'fault', type, id, code, at: o.atMs });
  // The gateway's stored history reloads with every fault event; a gateway without one (an older peer) leaves what this page saw live.
  const history: StatusChange[] = d.history.length > 0 ? d.history : (faults.liveHistory.get(code) ?? []);

  const doAck = async () => {
    if (askName && !ackName.trim()) return setAck((a) => ({ ...a, error: 'Give your name: sign-in is off, so the gateway cannot tell who you are.' }));
    setAck((a) => ({ ...a, busy: true, error: undefined }));
    try {
      if (askName) rememberName(ackName.trim());
      await client.request('PUT', `${path}/acknowledgement`, { body: { ...(ack.note.trim() ? { note: ack.note.trim() } : {}), ...(askName ? { name: ackName.trim() } : {}) } });
      setAck({ open: false, note: '' });
      detail.reload();
    } catch (err) {
      setAck((a) => ({ ...a, busy: false, error: errorText(err) }));
    }
  };

  const doClear = async () => {
    setClear({ open: true, busy: true });
    try {
      await client.request('DELETE', path);
      setClear({ open: false, done: true });
      detail.reload();
    } catch (err) {
      setClear({ open: true, error: errorText(err) });
    }
  };

  return (
    <section class="panel fault-detail" data-testid="fault-detail">
      <p class="crumbs">
        <a href="#/faults">Faults</a> › <a href={routeHash({ view: 'entity', type, id, tab: 'faults' })}>{id}</a>
      </p>
      <FaultHead detail={d} after={clear.done && <p role="status" class="success">Clear request accepted.</p>}>
        <a class="button" data-testid="open-incident" href={routeHash({ view: 'incident', type, id, code, ...(at !== undefined && chosen ? { at: chosen.atMs } : {}) })}>
          Incident view
        </a>
        {d.rawStatus !== 'CLEARED' && (
          <button type="button" data-testid="acknowledge" onClick={() => setAck({ open: true, note: '' })} disabled={!!ackDenied} title={ackDenied}>
            {d.acknowledgement ? 'Acknowledge again…' : 'Acknowledge…'}
          </button>
        )}
        <button type="button" class="danger push-right" onClick={() => setClear({ open: true })} disabled={!!clearDenied} title={clearDenied}>
          Clear fault…
        </button>
      </FaultHead>

      <OccurrencePicker list={occurrences} chosen={chosen} code={code} total={d.occurrences} hrefOf={here} />

      <div class="two-col">
        <section>
          <h2>Status</h2>
          <StatusFacts firstMs={d.firstMs} lastMs={d.lastMs} flags={d.statusFlags} />
          <h3>History</h3>
          <StatusHistory history={history} />
        </section>
        <section>
          <h2>Reporting sources</h2>
          <SourceList sources={d.reportingSources} />
          <h2>Black-box recording</h2>
          <RecordingList recordings={recordings} client={client} whose={(r) => recordingOwner(r, occurrences, chosen)} />
        </section>
      </div>

      <h2>Freeze frames{which && <span class="muted small"> of occurrence {which}</span>}</h2>
      <OwnFrames frames={own.frames} unattributed={own.unattributed} which={which} nearest={nearFrame && { name: occurrenceName(nearFrame), href: here(nearFrame) }} />

      <Confirm
        title={`Acknowledge ${d.code}?`}
        open={ack.open}
        message={
          <>
            <p data-testid="acknowledge-scope">{acknowledgeScope(d.rawStatus, d.occurrences)}</p>
            {askName && (
              <label class="stack">
                Your name
                <input data-testid="acknowledge-name" maxLength={80} required value={ackName} onInput={(e) => setAckName((e.target as HTMLInputElement).value)} />
                <span class="help" data-testid="acknowledge-unauthenticated">
                  Sign-in is off: the gateway records the name you give as “{unauthenticatedName(ackName || 'your name')}”, for anyone could type it.
                </span>
              </label>
            )}
            <label class="stack">
              Note (optional)
              <textarea data-testid="acknowledge-note" maxLength={500} rows={3} value={ack.note} onInput={(e) => setAck((a) => ({ ...a, note: (e.target as HTMLTextAreaElement).value }))} />
            </label>
          </>
        }
        confirmLabel="Acknowledge"
        busy={ack.busy}
        error={ack.error}
        onConfirm={doAck}
        onClose={() => setAck({ open: false, note: '' })}
      />

      <Confirm
        title={`Clear ${d.code}?`}
        open={clear.open}
        message={
          <p>
            The fault is cleared on the gateway (<code>DELETE {path}</code>). If the condition persists the reporter raises it again. Current status:{' '}
            {statusLabel(d.rawStatus)}.
          </p>
        }
        confirmLabel="Clear fault"
        danger
        busy={clear.busy}
        error={clear.error}
        onConfirm={doClear}
        onClose={() => setClear({ open: false })}
      />
    </section>
  );
}

const CHANGE_LABEL: Record<string, string> = {
  occurred: 'occurred', confirmed: 'confirmed', healed: 'healed', cleared: 'cleared', muted: 'muted as a symptom', unmuted: 'shown again', acknowledged: 'acknowledged',
};

/** The fault's status changes, newest first: what changed, when, by whom, in which occurrence. */
export function StatusHistory({ history }: { history: StatusChange[] }) {
  if (history.length === 0) return <p class="muted small">No status changes recorded yet.</p>;
  return (
    <ol class="history" data-testid="status-history" reversed>
      {[...history].reverse().map((h, i) => (
        <li key={i} data-change={h.change}>
          <span>{formatTime(h.atMs)}</span> {h.change ? <strong>{CHANGE_LABEL[h.change] ?? h.change}</strong> : null} <StatusBadge raw={h.status} />
          {h.source && <span class="small"> by <code>{h.source}</code></span>}
          {h.occurrence !== undefined && <span class="muted small"> · occurrence {h.occurrence}</span>}
          {h.note && <span class="small"> · {h.note}</span>}
          {h.origin === 'live' && <span class="muted small"> (seen live)</span>}
        </li>
      ))}
    </ol>
  );
}

/** First and last occurrence of a fault, and its SOVD status flags behind a disclosure (the raw status says it plainly). */
export function StatusFacts({ firstMs, lastMs, flags }: { firstMs?: number; lastMs?: number; flags: Record<string, string> }) {
  const entries = Object.entries(flags);
  return (
    <>
      <dl class="facts">
        <div>
          <dt>First occurrence</dt>
          <dd>{formatTime(firstMs)}</dd>
        </div>
        <div>
          <dt>Last occurrence</dt>
          <dd>{formatTime(lastMs)}</dd>
        </div>
      </dl>
      {entries.length > 0 && (
        <details class="small" data-testid="sovd-status">
          <summary>SOVD status</summary>
          <dl class="facts">
            {entries.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </>
  );
}

/** The nodes that reported a fault. */
export function SourceList({ sources }: { sources: string[] }) {
  if (sources.length === 0) return <p class="muted">None given.</p>;
  return (
    <ul>
      {sources.map((s) => (
        <li key={s}>
          <code>{s}</code>
        </li>
      ))}
    </ul>
  );
}

/** Download links of black-box recordings (fetched with the client's token when it has one). */
export function RecordingList({ recordings, client, whose }: { recordings: RecordingView[]; client: MedkitClient; whose?: (r: RecordingView) => string }) {
  if (recordings.length === 0) return <p class="muted">No recording for this fault.</p>;
  return (
    <ul class="files" data-testid="recordings">
      {recordings.map((r) => (
        <li key={r.path}>
          <DownloadLink client={client} path={r.path}>
            Download {r.name}
          </DownloadLink>{' '}
          <span class="muted small">{[whose?.(r), r.format, formatBytes(r.sizeBytes), formatDuration(r.durationSec)].filter(Boolean).join(' · ')}</span>
        </li>
      ))}
    </ul>
  );
}

/** The freeze frames of a fault, charted; identical captures of a topic shown once with how many and when. */
export function FrameList({ frames }: { frames: FrameView[] }) {
  if (frames.length === 0) return <p class="muted">No freeze frame was captured.</p>;
  return (
    <>
      {groupFrames(frames).map((g, i) => (
        <Frame key={i} frame={g.frame} group={g} />
      ))}
    </>
  );
}

function mergeRecordings(a: RecordingView[], b: RecordingView[]): RecordingView[] {
  const seen = new Map<string, RecordingView>();
  for (const r of [...a, ...b]) if (!seen.has(r.path)) seen.set(r.path, r);
  return [...seen.values()];
}

function Frame({ frame, group }: { frame: FrameView; group: FrameGroup }) {
  const field = frame.kind === 'signals' ? '' : fieldPathOf(frame.fullData, frame.data);
  return (
    <article class="card frame" data-testid="freeze-frame" data-captures={group.count}>
      <header class="card-head">
        <h3>{frame.name}</h3>
        {frame.topic && <code class="small">{frame.topic}</code>}
        {frame.messageType && <code class="small muted">{frame.messageType}</code>}
        {group.count > 1 ? (
          <span class="muted small">
            {group.count} identical captures, {formatTime(group.firstMs)} – {formatTime(group.lastMs)}
          </span>
        ) : (
          frame.capturedAtMs !== undefined && <span class="muted small">captured {formatTime(frame.capturedAtMs)}</span>
        )}
      </header>
      {frame.parseError && <p class="note">Stored payload could not be parsed: {frame.parseError}</p>}
      {frame.kind === 'signals' ? (
        <>
          {frame.fromTopicFrames && <p class="muted small">One sample per topic at capture time (the gateway sent no signal history).</p>}
          <div class="charts">
            {frame.charts.map((c) => (
              <FreezeFrameChart key={c.title} chart={c} />
            ))}
          </div>
          <table class="grid small">
            <caption>Values when the frame was read</caption>
            <tbody>
              {frame.signals.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>{JSON.stringify(s.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <>
          <table class="grid small" data-testid="frame-fields">
            <caption>{field ? <>Value of <code>{field}</code></> : 'Value'}</caption>
            <tbody>
              {namedFields(frame.data, field).map((nf) => (
                <tr key={nf.path}>
                  <th scope="row">
                    <code>{nf.path}</code>
                  </th>
                  <td>{nf.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {frame.fullData !== undefined && (
            <details>
              <summary>Full message</summary>
              <pre class="json">{JSON.stringify(frame.fullData, null, 2)}</pre>
            </details>
          )}
        </>
      )}
    </article>
  );
}

/** The chosen occurrence's own freeze frames; when it has none, says so and names the nearest occurrence that has. */
export function OwnFrames({ frames, unattributed, which, nearest }: { frames: FrameView[]; unattributed: boolean; which?: string; nearest?: { name: string; href: string } }) {
  if (frames.length > 0)
    return (
      <>
        {unattributed && <p class="muted small">The gateway gave no capture time, so these frames cannot be matched to an occurrence.</p>}
        <FrameList frames={frames} />
      </>
    );
  return (
    <p class="note" data-testid="frames-missing">
      {which ? `Occurrence ${which} has no freeze frame` : 'No freeze frame was captured'}
      {nearest ? (
        <>
          ; the nearest occurrence with one is <a href={nearest.href}>{nearest.name}</a>.
        </>
      ) : (
        '.'
      )}
    </p>
  );
}

const NAME_KEY = 'medkit.acknowledge-name';

function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Storage refused (private mode): the name is asked again next time.
  }
}

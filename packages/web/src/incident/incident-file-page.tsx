// An incident file opened from disk (docs/ui.md "Incident view"): what a colleague exported with
// GET …/faults/{code}/incident, shown without any gateway: the recording plotted on one time axis, the faults of the
// incident with their history and freeze frames, and the log lines of the window.
import { useState } from 'preact/hooks';
import { FaultHead, FrameList, StatusHistory } from '../ui/faults/detail';
import { formatTime } from '../ui/faults/fault-table';
import { decodeInWorker } from './recording-loader';
import { RecordingPlots, type RecordingState } from './recording-section';
import { TimeAxis } from './time-axis';
import { axisMarks, faultInstantSec } from './incident-model';
import { readIncidentFile, type IncidentFile } from './incident-file';

/** Files larger than this are refused before they are read (the browser holds the whole file). */
const MAX_FILE_BYTES = 512 << 20;

export function IncidentFilePage() {
  const [file, setFile] = useState<{ name: string; incident: IncidentFile } | undefined>();
  const [recording, setRecording] = useState<RecordingState>({ kind: 'none' });
  const [error, setError] = useState<string | undefined>();

  const open = async (f: File | undefined) => {
    if (!f) return;
    setError(undefined);
    setFile(undefined);
    if (f.size > MAX_FILE_BYTES) {
      setError(`${f.name} is ${Math.round(f.size / 1048576)} MB; files up to ${MAX_FILE_BYTES >> 20} MB can be opened here.`);
      return;
    }
    try {
      const buffer = await f.arrayBuffer();
      const incident = await readIncidentFile(new Uint8Array(buffer));
      setFile({ name: f.name, incident });
      setRecording({ kind: 'loading' });
      // The worker takes the buffer (transferred): the attachments were read first.
      const decoded = await decodeInWorker(buffer, new AbortController().signal, (progress) => setRecording({ kind: 'loading', progress }));
      setRecording(decoded.messageCount > 0 ? { kind: 'ready', recording: decoded, loadMs: 0 } : { kind: 'none' });
    } catch (err) {
      setError(`${f.name} could not be read as an MCAP file: ${(err as Error).message}`);
      setRecording({ kind: 'none' });
    }
  };

  const primary = file?.incident.faults[0];
  const ready = recording.kind === 'ready' ? recording.recording : undefined;
  const at = primary ? faultInstantSec(primary.view, ready ? [ready.startSec, ready.endSec] : undefined) : undefined;
  const range: [number, number] = ready ? [ready.startSec, ready.endSec] : at !== undefined ? [at - 10, at + 5] : [Date.now() / 1000 - 15, Date.now() / 1000];
  const meta = file?.incident.metadata ?? {};

  return (
    <section class="panel incident" data-testid="incident-file">
      <h1>Open an incident file</h1>
      <p class="muted small">
        A file exported from a fault (<code>GET …/faults/&#123;code&#125;/incident</code>, or <strong>Export incident</strong> on its incident view). It is read in this
        browser only; nothing is sent anywhere.
      </p>
      <label class="stack">
        MCAP file
        <input type="file" accept=".mcap,application/x-mcap" data-testid="incident-file-input" onChange={(e) => void open((e.target as HTMLInputElement).files?.[0])} />
      </label>
      {error && <p class="note" role="alert" data-testid="incident-file-error">{error}</p>}
      {file && (
        <>
          <p data-testid="incident-file-summary">
            <strong>{file.name}</strong>
            {meta.fault_code && <> · fault <code>{meta.fault_code}</code></>}
            {meta.root_cause && <> · root cause <code>{meta.root_cause}</code></>}
            {meta.host_name && <> · from {meta.host_name}</>}
            {meta.medkit_version && <> · medkit {meta.medkit_version}</>}
            {meta.exported_at && <> · exported {formatTime(Date.parse(meta.exported_at))}</>}
          </p>
          {!file.incident.isIncident && <p class="note">This file has no incident record: only its messages are shown.</p>}
          <TimeAxis range={range} marks={primary ? axisMarks(primary.body, primary.view, []) : []} source={ready ? 'the recording' : 'around the fault, no recording'} />
          <RecordingPlots state={recording} range={range} faultSec={at} />
          {file.incident.faults.map(({ view }) => (
            <article class="card" key={view.code} data-testid="incident-file-fault" data-code={view.code}>
              <FaultHead detail={view} />
              <h3>History</h3>
              <StatusHistory history={view.history} />
              <h3>Freeze frames</h3>
              <FrameList frames={view.frames} />
            </article>
          ))}
          <h2>Log lines of the window</h2>
          {file.incident.logs.length === 0 ? (
            <p class="muted">None in the file.</p>
          ) : (
            <table class="grid small" data-testid="incident-file-logs">
              <thead>
                <tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Node</th><th scope="col">Message</th></tr>
              </thead>
              <tbody>
                {file.incident.logs.map((l, i) => (
                  <tr key={i}>
                    <td>{formatTime(l.atMs)}</td>
                    <td>{l.level}</td>
                    <td><code>{l.node}</code></td>
                    <td>{l.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

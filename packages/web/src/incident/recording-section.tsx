// The black-box recording of the incident, decoded in the browser: progress while it downloads and decodes,
// then one plot per topic with a shared cursor. Says why when there is no recording or it cannot be read.
import { useEffect, useState } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import type { RecordingView } from '../model/freeze-frame';
import { formatBytes } from '../model/freeze-frame';
import { loadRecording, type LoadProgress } from './recording-loader';
import type { DecodedRecording } from './recording-types';
import { TopicPlot } from './topic-plot';

export type RecordingState =
  | { kind: 'none' }
  | { kind: 'loading'; progress?: LoadProgress }
  | { kind: 'ready'; recording: DecodedRecording; loadMs: number }
  | { kind: 'failed'; message: string };

/** Loads `rec` once per path; the state drives both the axis and the plots. */
export function useRecording(client: MedkitClient, rec: RecordingView | undefined): RecordingState {
  const [state, setState] = useState<RecordingState>(rec ? { kind: 'loading' } : { kind: 'none' });
  useEffect(() => {
    if (!rec) {
      setState({ kind: 'none' });
      return;
    }
    const controller = new AbortController();
    const t0 = performance.now();
    setState({ kind: 'loading' });
    loadRecording(client, rec.path, rec.sizeBytes, controller.signal, (progress) => setState({ kind: 'loading', progress }))
      .then((recording) => {
        const loadMs = performance.now() - t0;
        performance.mark('medkit:incident-decoded', { detail: { loadMs } });
        setState({ kind: 'ready', recording, loadMs });
      })
      .catch((err: Error) => {
        if (!controller.signal.aborted) setState({ kind: 'failed', message: err.message });
      });
    return () => controller.abort();
  }, [client, rec?.path]);
  return state;
}

function progressText(p?: LoadProgress): string {
  if (!p) return 'Fetching the recording…';
  const of = p.total ? ` of ${formatBytes(p.total)}` : '';
  return p.phase === 'download' ? `Downloading ${formatBytes(p.done)}${of}…` : `Decoding ${formatBytes(p.done)}${of}…`;
}

export function RecordingPlots({ state, range, faultSec, nearest, due }: { state: RecordingState; range: [number, number]; faultSec?: number; nearest?: { name: string; href: string }; due?: boolean }) {
  if (state.kind === 'none' && due) return <p class="note" data-testid="recording-due">This occurrence's recording is still being written (the gateway closes it <code>duration_after_sec</code> after the fault); the page looks for it every few seconds.</p>;
  if (state.kind === 'none' && nearest)
    return (
      <p class="note" data-testid="recording-missing">
        This occurrence has no black-box recording (retention keeps <code>max_bags_per_fault</code> per fault, 1 by default); the nearest occurrence with one is <a href={nearest.href}>{nearest.name}</a>.
      </p>
    );
  if (state.kind === 'none') return <p class="note" data-testid="recording-missing">No black-box recording for this fault: the gateway records only with <code>faults.snapshots.rosbag.enabled</code>, for faults that confirmed while it was on, and retention may have removed it.</p>;
  if (state.kind === 'failed') return <p class="note" role="alert" data-testid="recording-error">{state.message}</p>;
  if (state.kind === 'loading') {
    const p = state.progress;
    return (
      <div data-testid="recording-progress">
        <label>
          {progressText(p)} <progress value={p?.total ? p.done : undefined} max={p?.total} />
        </label>
      </div>
    );
  }
  const r = state.recording;
  return (
    <div class="topic-plots" data-testid="topic-plots" data-message-count={r.messageCount}>
      <p class="muted small">
        {r.messageCount} messages on {r.topics.length} topics, decoded in the browser in {Math.round(state.loadMs)} ms. Hover a plot: the cursor and the values follow on every plot.
      </p>
      {r.topics.map((t) => (
        <TopicPlot key={t.topic} topic={t} range={range} faultSec={faultSec} />
      ))}
    </div>
  );
}

// The recording part of an incident on its own (the fleet console's fault page): the time axis over the
// recording's span with the fault's instants, and the topics plotted with one shared cursor.
import type { MedkitClient } from '@medkit/client';
import type { FaultDetailView } from '../model/fault-detail';
import { axisMarks, faultInstantSec, newestRecording } from './incident-model';
import { RecordingPlots, useRecording } from './recording-section';
import { TimeAxis } from './time-axis';

export function RecordingPanel({ client, detail, body }: { client: MedkitClient; detail: FaultDetailView; body: unknown }) {
  const state = useRecording(client, newestRecording(detail.recordings));
  const ready = state.kind === 'ready' && state.recording.messageCount > 0 ? state.recording : undefined;
  const at = faultInstantSec(detail, ready ? [ready.startSec, ready.endSec] : undefined);
  const range: [number, number] = ready ? [ready.startSec, ready.endSec] : at !== undefined ? [at - 10, at + 5] : [Date.now() / 1000 - 15, Date.now() / 1000];
  return (
    <div data-testid="incident" data-fault-time={at}>
      <TimeAxis range={range} marks={axisMarks(body, detail, [])} source={ready ? 'the recording' : 'around the fault, no recording decoded'} />
      <RecordingPlots state={state} range={range} faultSec={at} />
    </div>
  );
}

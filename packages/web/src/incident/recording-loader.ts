// Fetches a black-box recording (the route's download when it started one, recording-download.ts) and decodes it
// in a worker. Reports progress of both phases.
import type { MedkitClient } from '@medkit/client';
import type { DecodedRecording, WorkerReply } from './recording-types';
import { prewarmDecoder, takeDecoder } from './decoder-worker';
import { startDownload, type LoadProgress } from './recording-download';
import { takePrefetchedDownload } from './incident-prefetch';

export type { LoadProgress } from './recording-download';

export function decodeInWorker(bytes: ArrayBuffer, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<DecodedRecording> {
  return new Promise((resolve, reject) => {
    const worker = takeDecoder();
    const stop = () => worker.terminate();
    signal.addEventListener('abort', () => {
      stop();
      reject(new DOMException('aborted', 'AbortError'));
    });
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const m = e.data;
      if (m.kind === 'progress') onProgress({ phase: 'decode', done: m.done, total: m.total });
      else {
        stop();
        if (m.kind === 'done') resolve(m.recording);
        else reject(new Error(`The recording could not be read: ${m.message}`));
      }
    };
    worker.onerror = (e) => {
      stop();
      reject(new Error(`The recording decoder failed: ${e.message}`));
    };
    worker.postMessage(bytes, [bytes]);
  });
}

/** `sizeBytes` (from the fault detail) refuses a too-large recording before any byte is fetched. */
export async function loadRecording(client: MedkitClient, path: string, sizeBytes: number | undefined, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<DecodedRecording> {
  prewarmDecoder();
  const download = takePrefetchedDownload(client, path) ?? startDownload(client, path, sizeBytes);
  if (signal.aborted) download.abort();
  signal.addEventListener('abort', () => download.abort());
  download.onProgress(onProgress);
  const bytes = await download.bytes;
  return decodeInWorker(bytes, signal, onProgress);
}

// Fetches a black-box recording (with the client's token when auth is on) and decodes it in a worker.
// Reports progress of both phases; refuses a file above the cap before and while reading it.
import type { MedkitClient } from '@medkit/client';
import type { DecodedRecording, WorkerReply } from './recording-types';
import { prewarmDecoder, takeDecoder } from './decoder-worker';

/** Largest recording decoded in the browser (the download link still serves bigger ones). */
const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

export type LoadProgress = { phase: 'download' | 'decode'; done: number; total?: number };

class RecordingTooLarge extends Error {
  readonly code: string = 'recording-too-large';

  constructor(readonly bytes: number) {
    super(`The recording is ${(bytes / 1048576).toFixed(1)} MB; the browser decodes at most ${MAX_RECORDING_BYTES / 1048576} MB. Download it and open it in Foxglove or ros2 bag.`);
  }
}

async function download(client: MedkitClient, path: string, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<ArrayBuffer> {
  const headers = await client.authHeaders(false);
  const res = await fetch(client.url(path), { headers, signal });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new Error(res.status === 404 ? 'The recording is gone (expired or deleted by retention).' : `HTTP ${res.status}${body?.message ? `: ${body.message}` : ''}`);
  }
  const total = Number(res.headers.get('content-length')) || undefined;
  if (total !== undefined && total > MAX_RECORDING_BYTES) {
    void res.body?.cancel();
    throw new RecordingTooLarge(total);
  }
  if (!res.body) return res.arrayBuffer();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    done += r.value.byteLength;
    if (done > MAX_RECORDING_BYTES) {
      void reader.cancel();
      throw new RecordingTooLarge(done);
    }
    onProgress({ phase: 'download', done, total });
  }
  const all = new Uint8Array(done);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return all.buffer;
}

function decodeInWorker(bytes: ArrayBuffer, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<DecodedRecording> {
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
  if (sizeBytes !== undefined && sizeBytes > MAX_RECORDING_BYTES) throw new RecordingTooLarge(sizeBytes);
  prewarmDecoder();
  const bytes = await download(client, path, signal, onProgress);
  performance.mark('medkit:recording-fetched');
  return decodeInWorker(bytes, signal, onProgress);
}

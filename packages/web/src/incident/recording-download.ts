// The download of a black-box recording's bytes (with the client's token when auth is on), as a handle that can
// be started by the route before the incident view's chunk is in and handed to the view later: its progress is
// replayed to whoever listens, and it refuses a file above the cap before and while reading it.
import type { MedkitClient } from '@medkit/client';

/** Largest recording decoded in the browser (the download link still serves bigger ones). */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

export type LoadProgress = { phase: 'download' | 'decode'; done: number; total?: number };

class RecordingTooLarge extends Error {
  readonly code: string = 'recording-too-large';

  constructor(readonly bytes: number) {
    super(`The recording is ${(bytes / 1048576).toFixed(1)} MB; the browser decodes at most ${MAX_RECORDING_BYTES / 1048576} MB. Download it and open it in Foxglove or ros2 bag.`);
  }
}

/** A recording's download under way. */
export interface RecordingDownload {
  /** The file's bytes once all are in; rejects with why not (aborted, gone, too large). */
  readonly bytes: Promise<ArrayBuffer>;
  /** Calls `listener` with each progress from now on, and at once with the latest one. */
  onProgress(listener: (p: LoadProgress) => void): void;
  abort(): void;
}

async function read(client: MedkitClient, path: string, signal: AbortSignal, progress: (p: LoadProgress) => void): Promise<ArrayBuffer> {
  const headers = await client.authHeaders(false);
  performance.mark('medkit:recording-asked');
  // High priority: when the page's other reads hold every connection to the gateway (HTTP/1.1: six), the
  // recording is the next request to get one.
  const res = await fetch(client.url(path), { headers, signal, priority: 'high' } as RequestInit);
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
    progress({ phase: 'download', done, total });
  }
  const all = new Uint8Array(done);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return all.buffer;
}

/** Starts downloading the recording at `path`; `sizeBytes` (from the fault detail) refuses a too-large one before any byte is fetched. */
export function startDownload(client: MedkitClient, path: string, sizeBytes?: number): RecordingDownload {
  const controller = new AbortController();
  const listeners = new Set<(p: LoadProgress) => void>();
  let latest: LoadProgress | undefined;
  const bytes =
    sizeBytes !== undefined && sizeBytes > MAX_RECORDING_BYTES
      ? Promise.reject(new RecordingTooLarge(sizeBytes))
      : read(client, path, controller.signal, (p) => {
          latest = p;
          for (const l of listeners) l(p);
        });
  bytes.then(() => performance.mark('medkit:recording-fetched')).catch(() => undefined);
  return {
    bytes,
    onProgress(listener) {
      listeners.add(listener);
      if (latest) listener(latest);
    },
    abort: () => controller.abort(),
  };
}

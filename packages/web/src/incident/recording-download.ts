// The download of a black-box recording's bytes (with the client's token when auth is on), as a handle that can
// be started by the route before the incident view's chunk is in and handed to the view later: its progress is
// replayed to whoever listens, and it refuses a file above the cap before and while reading it.
import type { MedkitClient } from '@medkit/client';
import { earlyFetch } from '../api/early-reads';

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
  /**
   * The id of the recording served, from the answer's Content-Location (the fault's newest recording, asked by the
   * fault, says which one it is); undefined when the answer names none or never came.
   */
  readonly recordingId: Promise<string | undefined>;
  /** Calls `listener` with each progress from now on, and at once with the latest one. */
  onProgress(listener: (p: LoadProgress) => void): void;
  abort(): void;
}

/** The last segment of a recording's path, decoded: its id. */
export function recordingIdOf(path: string): string | undefined {
  try {
    return decodeURIComponent(path.split('?')[0].split('/').pop() ?? '') || undefined;
  } catch {
    return undefined;
  }
}

async function read(client: MedkitClient, path: string, signal: AbortSignal, progress: (p: LoadProgress) => void, served: (id: string | undefined) => void): Promise<ArrayBuffer> {
  const headers = await client.authHeaders(false);
  performance.mark('medkit:recording-asked');
  // High priority: when the page's other reads hold every connection to the gateway (HTTP/1.1: six), the
  // recording is the next request to get one.
  // The entry script may have asked it already (api/early-reads.ts): that answer is taken once.
  const res = await earlyFetch(client.url(path), { headers, signal, priority: 'high' } as RequestInit);
  const location = res.ok ? res.headers.get('content-location') : null;
  served(location === null ? undefined : recordingIdOf(location));
  // A fault's newest recording asked by the fault: it has none (yet).
  if (res.status === 204) throw new Error('The fault has no recording.');
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
  // An answer the entry script asked is not under this download's signal: the abort stops its reading here.
  const stop = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const parts: Uint8Array[] = [];
  let done = 0;
  try {
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
  } finally {
    signal.removeEventListener('abort', stop);
  }
  // A cancelled reader ends like a finished one: an aborted download has no bytes.
  signal.throwIfAborted();
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
  let served!: (id: string | undefined) => void;
  const recordingId = new Promise<string | undefined>((r) => (served = r));
  const bytes =
    sizeBytes !== undefined && sizeBytes > MAX_RECORDING_BYTES
      ? Promise.reject(new RecordingTooLarge(sizeBytes))
      : read(client, path, controller.signal, (p) => {
          latest = p;
          for (const l of listeners) l(p);
        }, served);
  // A download that failed before its answer served nothing (a no-op once the answer named its recording).
  bytes.then(() => performance.mark('medkit:recording-fetched'), () => served(undefined)).catch(() => undefined);
  return {
    bytes,
    recordingId,
    onProgress(listener) {
      listeners.add(listener);
      if (latest) listener(latest);
    },
    abort: () => controller.abort(),
  };
}

/**
 * The recording at `path`, taken from `candidate` (a download started under another name, a fault's newest
 * recording asked by the fault) when its answer says it serves that recording; otherwise `candidate` is aborted and `path`
 * downloaded. Either way one handle, whose progress and abort follow the download chosen.
 */
export function downloadVia(candidate: RecordingDownload, client: MedkitClient, path: string, sizeBytes?: number): RecordingDownload {
  const listeners = new Set<(p: LoadProgress) => void>();
  let chosen: RecordingDownload | undefined;
  let aborted = false;
  const pick = candidate.recordingId.then((id) => {
    if (aborted || (id !== undefined && id === recordingIdOf(path))) return candidate;
    candidate.abort();
    return startDownload(client, path, sizeBytes);
  });
  void pick.then((d) => {
    chosen = d;
    for (const l of listeners) d.onProgress(l);
  });
  return {
    bytes: pick.then((d) => d.bytes),
    recordingId: pick.then((d) => d.recordingId),
    onProgress(listener) {
      listeners.add(listener);
      chosen?.onProgress(listener);
    },
    abort() {
      aborted = true;
      candidate.abort();
      chosen?.abort();
    },
  };
}

// The incident view's first reads (the fault's detail, the entity's recordings) and the recording's download,
// started by the route as soon as it is known, so they run while the view's own chunk loads instead of after it
// (docs/ui.md). The download starts as soon as either read names the recording the view will open. Each read and
// download is handed to the view once; one not taken within PREFETCH_TTL_MS is dropped (a download aborted), so a
// view opened later reads afresh. From the route until the view has drawn the recording, the incident is a
// foreground task: the UI's background reads wait for it (api/foreground.ts).
import type { MedkitClient } from '@medkit/client';
import { foregroundTask } from '../api/foreground';
import { entityPath, SEGMENT, type EntityKey } from '../model/entities';
import { incidentReadPaths, newestRecordingPath } from './incident-read-paths';
import { recordingToOpen } from './occurrences';
import { downloadVia, startDownload, type RecordingDownload } from './recording-download';

const PREFETCH_TTL_MS = 10_000;

interface Prefetched<T> {
  value: T;
  at: number;
}

interface Prefetches {
  reads: Map<string, Prefetched<Promise<unknown>>>;
  downloads: Map<string, Prefetched<RecordingDownload>>;
}

const byClient = new WeakMap<MedkitClient, Prefetches>();
/** Ends the open incident's foreground task. */
let endForeground: (() => void) | undefined;

function prefetchesOf(client: MedkitClient): Prefetches {
  let p = byClient.get(client);
  if (!p) byClient.set(client, (p = { reads: new Map(), downloads: new Map() }));
  return p;
}


/** The incident view's first reads, typed by the document; handed over under their paths (incidentReadPaths). */
export function incidentReads(client: MedkitClient, entity: EntityKey, code: string) {
  const collection = SEGMENT[entity.type];
  return {
    detail: (signal?: AbortSignal) => client.entityGet(collection, entity.id, '/faults/{fault_code}', { signal, path: { fault_code: code } }),
    recordings: (signal?: AbortSignal) => client.entityGet(collection, entity.id, '/bulk-data/{category_id}', { signal, path: { category_id: 'rosbags' } }),
  };
}

function prefetchRead(client: MedkitClient, path: string, start: () => Promise<unknown>, now: number): Promise<unknown> {
  const { reads } = prefetchesOf(client);
  const old = reads.get(path);
  if (old && now - old.at < PREFETCH_TTL_MS) return old.value;
  const read = start();
  // Nobody may take it: its failure is the view's to report when it does, not an unhandled rejection.
  read.catch(() => undefined);
  reads.set(path, { value: read, at: now });
  return read;
}

function prefetchDownload(client: MedkitClient, path: string, sizeBytes: number | undefined, now: number, newest?: RecordingDownload): RecordingDownload {
  const { downloads } = prefetchesOf(client);
  const old = downloads.get(path);
  if (old) {
    newest?.abort();
    return old.value;
  }
  const download = newest ? downloadVia(newest, client, path, sizeBytes) : startDownload(client, path, sizeBytes);
  download.bytes.catch(() => undefined);
  downloads.set(path, { value: download, at: now });
  // Not taken in time: nobody will, so the bytes are not kept.
  setTimeout(() => {
    if (downloads.get(path)?.value === download) dropDownload(client, path);
  }, PREFETCH_TTL_MS);
  return download;
}

/** Aborts the prefetched download of `path` unless the view took it. */
function dropDownload(client: MedkitClient, path: string): void {
  const { downloads } = prefetchesOf(client);
  downloads.get(path)?.value.abort();
  downloads.delete(path);
}

/**
 * Starts the incident view's first reads for the fault `code` of `entity`, and the download of the
 * recording the view will open (occurrence `atMs`, else the newest) as soon as either read names it. For the
 * newest occurrence, the fault's newest recording (`…/faults/{code}/recording`) is asked at once, beside the reads, and kept when
 * the gateway's answer names the recording the reads then choose: the download no longer waits for a relayed read.
 */
export function prefetchIncident(client: MedkitClient, entity: EntityKey, code: string, atMs?: number): void {
  endForeground?.();
  const end = (endForeground = foregroundTask());
  const now = performance.now();
  const base = entityPath(entity);
  const paths = incidentReadPaths(base, code);
  const reads = incidentReads(client, entity, code);
  const answers: { detail?: unknown; listing?: unknown } = {};
  let settled = 0;
  let started: string | undefined;
  let newest = atMs === undefined ? startDownload(client, newestRecordingPath(base, code)) : undefined;
  newest?.bytes.catch(() => undefined);
  const consider = () => {
    const rec = recordingToOpen(answers.detail, answers.listing, base, code, atMs);
    if (rec && rec.path === started) return;
    // The second answer chose another occurrence's recording: the first one's download is not needed.
    if (started !== undefined) dropDownload(client, started);
    started = rec?.path;
    // The view ends the task once the recording is drawn; with none to open there is nothing to wait for.
    if (rec) {
      // Offered once: a later choice is another recording than the first, so not the newest one either.
      const offered = newest;
      newest = undefined;
      void prefetchDownload(client, rec.path, rec.sizeBytes, now, offered).bytes.catch(end);
    } else if (settled === 2) {
      newest?.abort();
      end();
    }
  };
  const follow = (read: Promise<unknown>, key: 'detail' | 'listing') =>
    void read.then(
      (body) => {
        answers[key] = body;
        settled++;
        consider();
      },
      () => {
        settled++;
        consider();
      },
    );
  follow(prefetchRead(client, paths.detail, () => reads.detail(), now), 'detail');
  follow(prefetchRead(client, paths.recordings, () => reads.recordings(), now), 'listing');
}

/** Ends the incident's foreground task: its recording is drawn, failed or absent. */
export function incidentSettled(): void {
  endForeground?.();
  endForeground = undefined;
}

function take<T>(map: Map<string, Prefetched<T>>, path: string, stale?: (value: T) => void): T | undefined {
  const p = map.get(path);
  if (!p) return undefined;
  map.delete(path);
  if (performance.now() - p.at < PREFETCH_TTL_MS) return p.value;
  stale?.(p.value);
  return undefined;
}

/** The prefetched read of `path`, once (undefined when none is pending or it is too old). */
export function takePrefetched<T>(client: MedkitClient, path: string): Promise<T> | undefined {
  return take(prefetchesOf(client).reads, path) as Promise<T> | undefined;
}

/** The download of the recording at `path` the route started, once (undefined when none). */
export function takePrefetchedDownload(client: MedkitClient, path: string): RecordingDownload | undefined {
  return take(prefetchesOf(client).downloads, path, (d) => d.abort());
}

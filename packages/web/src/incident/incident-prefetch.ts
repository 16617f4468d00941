// The incident view's first reads (the fault's detail, the entity's recordings), started by the route as soon as it
// is known, so they run while the view's own chunk loads instead of after it (docs/ui.md). Each read is handed to
// the view once; one not taken within PREFETCH_TTL_MS is dropped, so a view opened later reads afresh.
import type { MedkitClient } from '@medkit/client';

const PREFETCH_TTL_MS = 10_000;

interface Prefetched {
  read: Promise<unknown>;
  at: number;
}

const byClient = new WeakMap<MedkitClient, Map<string, Prefetched>>();

/** The paths the incident view reads first: the fault's detail and the entity's recording list. */
export function incidentReadPaths(base: string, code: string): { detail: string; recordings: string } {
  return { detail: `${base}/faults/${encodeURIComponent(code)}`, recordings: `${base}/bulk-data/rosbags` };
}

/** Starts the incident view's first reads for the fault `code` of the entity at `base`. */
export function prefetchIncident(client: MedkitClient, base: string, code: string): void {
  let reads = byClient.get(client);
  if (!reads) byClient.set(client, (reads = new Map()));
  const now = performance.now();
  for (const path of Object.values(incidentReadPaths(base, code))) {
    const old = reads.get(path);
    if (old && now - old.at < PREFETCH_TTL_MS) continue;
    const read = client.read(path);
    // Nobody may take it: its failure is the view's to report when it does, not an unhandled rejection.
    read.catch(() => undefined);
    reads.set(path, { read, at: now });
  }
}

/** The prefetched read of `path`, once (undefined when none is pending or it is too old). */
export function takePrefetched<T>(client: MedkitClient, path: string): Promise<T> | undefined {
  const reads = byClient.get(client);
  const p = reads?.get(path);
  if (!p) return undefined;
  reads!.delete(path);
  return performance.now() - p.at < PREFETCH_TTL_MS ? (p.read as Promise<T>) : undefined;
}

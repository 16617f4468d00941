// The recording decoder's worker (mcap-worker.ts), started ahead of need: its script loads while the incident view's
// chunk, its reads and the recording download are under way. Small, so the route can start it from the first chunk.

const newWorker = () => new Worker(new URL('./mcap-worker.ts', import.meta.url), { type: 'module' });
let warm: Worker | undefined;

/** Starts a decoder worker if none is waiting. */
export function prewarmDecoder(): void {
  warm ??= newWorker();
}

/** The waiting worker (or a new one); the caller owns it and terminates it. */
export function takeDecoder(): Worker {
  const w = warm ?? newWorker();
  warm = undefined;
  return w;
}

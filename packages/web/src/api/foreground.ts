// What the user is waiting for goes first. While a foreground task is open (the incident view's recording, from
// the route until its plots are drawn), the UI's background reads — the entity tree, health, the fault list, the
// incident's other sections — wait for it, each task at most its own deadline. A browser opens six connections
// per origin over HTTP/1.1 and the gateway answers on one thread: the tree's thirty-odd reads started beside the
// recording made its download queue behind them (docs/benchmarks.md, incident view).

/** Longest a foreground task holds the background reads back, ms. */
const FOREGROUND_MAX_MS = 2000;

/** Open tasks, each with the promise its end resolves. */
const open = new Map<object, Promise<void>>();

/**
 * Opens a foreground task; the returned function ends it (idempotent). It ends by itself after `maxMs`,
 * so a task nobody ends (a view closed early) never stops the background for long.
 */
export function foregroundTask(maxMs = FOREGROUND_MAX_MS): () => void {
  const key = {};
  let resolve!: () => void;
  open.set(key, new Promise<void>((r) => (resolve = r)));
  const end = () => {
    clearTimeout(timer);
    open.delete(key);
    resolve();
  };
  const timer = setTimeout(end, maxMs);
  return end;
}

/** True while a foreground task is open. */
export function foregroundOpen(): boolean {
  return open.size > 0;
}

/**
 * Resolves once no foreground task is open (at once when none is); a background read awaits it before it
 * starts. Rejects with the signal's reason when `signal` aborted meanwhile.
 */
export async function backgroundTurn(signal?: AbortSignal): Promise<void> {
  while (open.size > 0) await Promise.all(open.values());
  signal?.throwIfAborted();
}

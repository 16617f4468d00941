// Caps how many requests of one kind run at once. The data tab polls every visible topic once a
// second; the gateway answers a read of a topic without a cached message by waiting for one, and
// refuses more than a few such waits at once (503 x-medkit-cold-wait-cap-exceeded, default cap 4),
// so the UI keeps its own concurrent reads below that.

interface Limiter {
  /** Runs `task` when a slot is free; a task whose signal aborts while queued never runs. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now (for tests). */
  readonly active: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= max) return;
    const start = queue.shift();
    if (start) start();
  };
  return {
    get active() {
      return active;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          active++;
          task()
            .then(resolve, reject)
            .finally(() => {
              active--;
              next();
            });
        };
        const onAbort = () => {
          const i = queue.indexOf(start);
          if (i >= 0) queue.splice(i, 1);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(start);
        next();
      });
    },
  };
}

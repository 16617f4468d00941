/**
 * One deadline plus an optional AbortSignal, turned into a promise race with cleanup. Every remote
 * call goes through {@link withDeadline}, so a dead node can never hang its caller.
 */
import { RosAbortedError, RosTimeoutError } from './errors.js';

/** Options every remote call accepts. */
export interface CallOptions {
  /** Deadline in milliseconds (default depends on the call, usually 5000). */
  timeoutMs?: number;
  /** Cancels the call; it rejects with {@link RosAbortedError}. */
  signal?: AbortSignal;
  /**
   * The whole budget this call is one step of, named in its timeout error (default: `timeoutMs`).
   * A step that runs on what is left of a deadline still reports the deadline its caller set, so
   * the message does not change with how long the earlier steps took.
   */
  budgetMs?: number;
}

/** Default deadline of a remote call. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** Absolute deadline (ms since epoch) of a call that started now. */
export function deadlineOf(opts: CallOptions | undefined, fallbackMs = DEFAULT_TIMEOUT_MS): number {
  const t = opts?.timeoutMs ?? fallbackMs;
  return Date.now() + (Number.isFinite(t) ? Math.max(0, t) : 2 ** 31 - 1);
}

/** Callbacks of the calls waiting on a signal; the signal itself carries one listener for all of them. */
const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `fn` once when `signal` aborts; the returned function unregisters it. However many calls wait on
 * one signal (a request fanning out to a dozen nodes, a long-lived shutdown signal), the signal gets a
 * single 'abort' listener: one listener per call would pile up past Node's limit of 10
 * (MaxListenersExceededWarning) and, on a long-lived signal, grow with every call.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let waiting = abortWaiters.get(signal);
  if (!waiting) {
    const set = new Set<() => void>();
    waiting = set;
    abortWaiters.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...set]) f();
        set.clear();
      },
      { once: true },
    );
  }
  const set = waiting;
  set.add(fn);
  return () => {
    set.delete(fn);
  };
}

/**
 * Runs `start(settle)`; the promise settles on the first of: `settle` called, deadline passed
 * (RosTimeoutError), signal aborted (RosAbortedError). `cleanup` runs exactly once afterwards.
 */
export function withDeadline<T>(
  what: string,
  opts: CallOptions | undefined,
  start: (resolve: (v: T) => void, reject: (e: unknown) => void) => void,
  cleanup: () => void = () => {},
  fallbackMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const timeoutMs = opts?.timeoutMs ?? fallbackMs;
  const signal = opts?.signal;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let unlisten = () => {};
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      if (timer) clearTimeout(timer);
      unlisten();
      try {
        cleanup();
      } catch {
        // cleanup must not turn a result into an error
      }
      return true;
    };
    const aborted = () => {
      if (finish()) reject(new RosAbortedError(what, signal?.reason));
    };
    if (signal?.aborted) {
      aborted();
      return;
    }
    if (signal) unlisten = onAbort(signal, aborted);
    if (Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        if (finish()) reject(new RosTimeoutError(what, opts?.budgetMs ?? timeoutMs));
      }, Math.max(0, timeoutMs));
    }
    try {
      start(
        (v) => {
          if (finish()) resolve(v);
        },
        (e) => {
          if (finish()) reject(e);
        },
      );
    } catch (e) {
      if (finish()) reject(e);
    }
  });
}

/** Remaining time of an absolute deadline, as call options for a sub-step of a call with budget `budgetMs`. */
export function remaining(deadline: number, signal?: AbortSignal, budgetMs?: number): CallOptions {
  return { timeoutMs: Math.max(0, deadline - Date.now()), signal, budgetMs };
}

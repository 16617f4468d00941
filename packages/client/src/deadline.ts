// A call's deadline joined with the caller's own AbortSignal, and the translation of a failed
// fetch into the client's error kinds (timeout, network, caller abort).
import { MedkitNetworkError, MedkitTimeoutError } from './errors.js';

export interface Deadline {
  /** Aborts when the deadline passes or the caller's signal aborts. */
  signal: AbortSignal;
  /** Stops the timer (call when the answer is complete, so idle clients hold no timers). */
  clear(): void;
  /** Maps what `fetch` (or reading the body) threw to the error the caller should see. */
  failure(err: unknown, what: string): unknown;
}

/**
 * A deadline of `timeoutMs` (≤ 0 or Infinity: none) combined with the caller's `signal` (AbortSignal.any). The
 * deadline is a timer of its own rather than AbortSignal.timeout: it aborts with a MedkitTimeoutError (what a
 * download's reader sees past it), and clear() stops it once the answer is complete.
 */
export function deadline(timeoutMs: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new MedkitTimeoutError(`no answer within ${timeoutMs} ms`, timeoutMs));
        }, timeoutMs)
      : undefined;
  return {
    signal: signal ? AbortSignal.any([controller.signal, signal]) : controller.signal,
    clear() {
      if (timer !== undefined) clearTimeout(timer);
    },
    failure(err, what) {
      if (timedOut) return new MedkitTimeoutError(`${what} did not answer within ${timeoutMs} ms`, timeoutMs);
      if (signal?.aborted) return signal.reason ?? err;
      if (err instanceof MedkitNetworkError || err instanceof MedkitTimeoutError) return err;
      return new MedkitNetworkError(`${what} could not be reached${err instanceof Error && err.message ? `: ${err.message}` : ''}`, { cause: err });
    },
  };
}

// Collects what a stream hands to its handlers, so a test can await the next item (bounded wait).
import type { EventStreamHandlers, StreamState } from '../../src/index.js';

export interface Collected<T> extends EventStreamHandlers<T> {
  events: T[];
  errors: Error[];
  states: StreamState[];
  closedWith: { reason?: Error } | undefined;
  /** The next event not yet taken; rejects after `ms`. */
  next(ms?: number): Promise<T>;
  /** Resolves when `pred` holds (checked on every callback); rejects after `ms`. */
  until(pred: () => boolean, what: string, ms?: number): Promise<void>;
}

export function collect<T>(): Collected<T> {
  let taken = 0;
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  const c: Collected<T> = {
    events: [],
    errors: [],
    states: [],
    closedWith: undefined,
    onEvent(ev) {
      c.events.push(ev);
      poke();
    },
    onError(err) {
      c.errors.push(err);
      poke();
    },
    onState(s) {
      c.states.push(s);
      poke();
    },
    onClose(reason) {
      c.closedWith = { reason };
      poke();
    },
    async next(ms = 10_000) {
      await c.until(() => c.events.length > taken, 'the next event', ms);
      return c.events[taken++];
    },
    until(pred, what, ms = 10_000) {
      return new Promise((resolve, reject) => {
        if (pred()) return resolve();
        const check = () => {
          if (!pred()) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}`));
        }, ms);
        waiters.add(check);
      });
    },
  };
  return c;
}

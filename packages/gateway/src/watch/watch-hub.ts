// Reads GET resources on behalf of watching clients and tells them when an answer changed (docs/api.md,
// "Watching resources"). One reader per (path, identity) however many clients watch it, one read in flight
// per reader, each read with a deadline; what is kept per reader is its last answer, bounded in size. The
// read itself is injected (the gateway passes its own HTTP stack, so auth and every route's rules apply), and so
// is the clock of the intervals and deadlines (tests step a ManualClock: issue 58).
import { createHash } from 'node:crypto';
import { systemClock, type Clock, type TimerHandle, type WatchChange } from '@medkit/sovd';

/** One answer of a watched resource (the SOVD core's shape of a watch event, shared with the client). */
export type WatchedAnswer = WatchChange;

/** How a reader reads: the raw answer or a failure (a deadline hit is a failure). */
export type ReadResource = (path: string, headers: Record<string, string>) => Promise<{ status: number; text: string }>;

export interface WatchHubOptions {
  read: ReadResource;
  /** Between two reads of one resource. */
  intervalMs: number;
  /** A read that takes longer is abandoned (its answer dropped) and retried at the next tick. */
  deadlineMs: number;
  /** Answers larger than this are reported as too_large rather than kept and sent. */
  maxBodyBytes: number;
  /** Readers at once across all clients (paths × identities). */
  maxReaders: number;
  /** Reads in flight at once across all readers (the others wait their turn): the gateway's own load stays bounded. */
  maxConcurrentReads?: number;
  /** Read intervals and deadlines (tests hand a ManualClock); the real clock when unset. */
  clock?: Clock;
}

type Listener = (answer: WatchedAnswer) => void;

interface Reader {
  path: string;
  headers: Record<string, string>;
  listeners: Set<Listener>;
  /** The last answer and a digest of its bytes (what a change is judged by: the bytes are not kept twice). */
  last?: { status: number; digest: string; answer: WatchedAnswer };
  inFlight: boolean;
  timer: TimerHandle;
}

/** Thrown when a watch would exceed maxReaders. */
export class TooManyWatchedError extends Error {
  readonly code = 'watch-readers-exhausted';
}

export class WatchHub {
  private readonly readers = new Map<string, Reader>();
  /** Readers whose tick came while maxConcurrentReads were in flight, in order. */
  private readonly waiting = new Set<Reader>();
  private reading = 0;
  private closed = false;

  private readonly clock: Clock;

  constructor(private readonly o: WatchHubOptions) {
    this.clock = o.clock ?? systemClock();
  }

  /** Readers open now (for /health and tests). */
  get size(): number {
    return this.readers.size;
  }

  /** Readers at most. */
  get capacity(): number {
    return this.o.maxReaders;
  }

  /**
   * Follows `path` as the client with `headers` may read it: `listener` gets the current answer as soon as there
   * is one, then each changed one. Returns the unwatch function. Throws TooManyWatchedError at the cap.
   */
  watch(path: string, headers: Record<string, string>, listener: Listener): () => void {
    if (this.closed) return () => undefined;
    const key = `${path}\u0000${headers.authorization ?? ''}\u0000${headers['x-client-id'] ?? ''}`;
    let r = this.readers.get(key);
    if (!r) {
      if (this.readers.size >= this.o.maxReaders) throw new TooManyWatchedError(`watched resources at their limit (${this.o.maxReaders})`);
      // The real clock's timers are unref'd: a reader never keeps the process alive.
      const reader: Reader = { path, headers, listeners: new Set(), inFlight: false, timer: this.clock.setInterval(() => this.tick(reader), this.o.intervalMs) };
      r = reader;
      this.readers.set(key, r);
      this.tick(r);
    } else if (r.last) {
      listener(r.last.answer);
    }
    r.listeners.add(listener);
    const reader = r;
    return () => {
      reader.listeners.delete(listener);
      if (reader.listeners.size === 0) {
        this.clock.clear(reader.timer);
        this.waiting.delete(reader);
        this.readers.delete(key);
      }
    };
  }

  /** Stops every reader (gateway shutdown). */
  close(): void {
    this.closed = true;
    for (const r of this.readers.values()) this.clock.clear(r.timer);
    this.readers.clear();
    this.waiting.clear();
  }

  private tick(r: Reader): void {
    if (r.inFlight || this.closed) return;
    if (this.reading >= (this.o.maxConcurrentReads ?? 4)) {
      this.waiting.add(r);
      return;
    }
    r.inFlight = true;
    this.reading++;
    let timer: TimerHandle | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(undefined), this.o.deadlineMs);
    });
    void Promise.race([this.o.read(r.path, r.headers).catch(() => undefined), deadline])
      .then((res) => {
        if (res === undefined || r.listeners.size === 0) return;
        // Unchanged: nothing to say (status and bytes both equal).
        const digest = createHash('sha256').update(res.text).digest('base64');
        if (r.last && r.last.status === res.status && r.last.digest === digest) return;
        const answer = this.answerOf(r.path, res);
        r.last = { status: res.status, digest, answer };
        for (const l of [...r.listeners]) l(answer);
      })
      .finally(() => {
        this.clock.clear(timer);
        r.inFlight = false;
        this.reading--;
        const next = this.waiting.values().next();
        if (!next.done) {
          this.waiting.delete(next.value);
          this.tick(next.value);
        }
      });
  }

  private answerOf(path: string, res: { status: number; text: string }): WatchedAnswer {
    if (Buffer.byteLength(res.text) > this.o.maxBodyBytes) return { path, status: res.status, too_large: true };
    try {
      return { path, status: res.status, body: res.text === '' ? undefined : JSON.parse(res.text) };
    } catch {
      return { path, status: res.status };
    }
  }
}

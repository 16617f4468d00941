// One live stream for every resource a screen follows: GET /x-medkit-watch with each path the open views need
// (docs/api.md, "Watching resources"). The gateway re-reads them for us and sends an answer only when it
// changed, so an idle page costs one connection instead of a request per resource every few seconds. Views
// ask through useWatched (the answer itself) or useWatchTick (a counter that moves when a path changed, for
// views that read several things when one changes). A gateway without the route (404, an older peer) leaves
// `live` false, and the views poll as before.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { SovdClientError, type EventStream, type MedkitClient, type WatchChange } from '@medkit/client';
import { backgroundTurn } from '../api/foreground';

/** A watched path's answer: the typed client's watch event (docs/api.md "Watching resources"). */
export type WatchedAnswer = WatchChange;

type Listener = (answer: WatchedAnswer) => void;

/** The stream is opened again this long after the set of paths last changed (views mount together). */
const REOPEN_AFTER_MS = 250;
/** The route's own cap. */
const MAX_PATHS = 64;

/** The paths watched for this page, their last answers, and the one stream that brings them. */
export class ResourceWatch {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly answers = new Map<string, WatchedAnswer>();
  private readonly liveListeners = new Set<() => void>();
  private source: EventStream | undefined;
  private openPaths = '';
  private reopen: ReturnType<typeof setTimeout> | undefined;
  private connected = false;
  /** The gateway has no watch route: views poll. */
  private unsupported = false;

  constructor(private readonly client: MedkitClient) {}

  /** True when `path` comes over the stream and has had its first answer. */
  live(path: string): boolean {
    return this.connected && this.answers.has(path);
  }

  answer(path: string): WatchedAnswer | undefined {
    return this.live(path) ? this.answers.get(path) : undefined;
  }

  /** Follows `path`; returns the unfollow function. */
  follow(path: string, listener: Listener): () => void {
    const set = this.listeners.get(path) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(path, set);
    this.schedule();
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(path);
        this.answers.delete(path);
        this.schedule();
      }
    };
  }

  /** Called when the stream goes live or stops (views switch between the stream and polling). */
  onLiveChange(fn: () => void): () => void {
    this.liveListeners.add(fn);
    return () => this.liveListeners.delete(fn);
  }

  /**
   * Opens the stream again at once: the identity changed (signed in or out), so what the old stream was let read, and
   * each answer it brought, may not hold for the new one. Views fall back to their own reads until the new answers.
   */
  restart(): void {
    clearTimeout(this.reopen);
    this.reopen = undefined;
    this.source?.close();
    this.source = undefined;
    this.open();
  }

  close(): void {
    clearTimeout(this.reopen);
    // An open waiting for its turn (schedule) sees this and stays shut.
    this.reopen = undefined;
    this.source?.close();
    this.source = undefined;
  }

  private schedule(): void {
    clearTimeout(this.reopen);
    // Not while the incident view's recording is on its way (api/foreground.ts): the stream's first answers (the
    // fault list, /health, the entity lists) cost the gateway and the page the time the recording needs.
    const reopen = (this.reopen = setTimeout(() => void backgroundTurn().then(() => this.reopen === reopen && this.open()), REOPEN_AFTER_MS));
  }

  private setConnected(on: boolean): void {
    if (this.connected === on) return;
    this.connected = on;
    for (const fn of [...this.liveListeners]) fn();
  }

  private open(): void {
    const paths = [...this.listeners.keys()].sort().slice(0, MAX_PATHS);
    const key = paths.join('\n');
    if (key === this.openPaths && this.source) return;
    this.source?.close();
    this.source = undefined;
    this.openPaths = key;
    // What the old stream said may be stale for the new set: each path waits for its first answer again.
    this.answers.clear();
    this.setConnected(false);
    if (paths.length === 0 || this.unsupported) return;
    this.source = this.client.watchStream(paths, {
      onEvent: (a) => {
        this.answers.set(a.path, a);
        this.setConnected(true);
        for (const l of [...(this.listeners.get(a.path) ?? [])]) l(a);
      },
      onState: (st) => {
        if (st !== 'open') this.setConnected(false);
      },
      onClose: (reason) => {
        this.setConnected(false);
        // A gateway without the route says 404 (or 405): poll from now on. Other ends are retried by the reader.
        if (reason instanceof SovdClientError && (reason.status === 404 || reason.status === 405)) this.unsupported = true;
      },
    }, { initialRetryMs: 1000, maxRetryMs: 10_000 });
  }
}

export const WatchContext = createContext<ResourceWatch | undefined>(undefined);

/**
 * The watched answers of `paths` (in their order), `live` once every one has come over the stream. `live` false
 * means: read them yourself (no stream, no route, or no first answer yet).
 */
export function useWatchedAll(paths: string[]): { live: boolean; answers: WatchedAnswer[] } {
  const watch = useContext(WatchContext);
  const [, setVersion] = useState(0);
  const key = paths.join('\n');
  useEffect(() => {
    if (!watch || paths.length === 0) return;
    const bump = () => setVersion((v) => v + 1);
    const offs = paths.map((p) => watch.follow(p, bump));
    const unlive = watch.onLiveChange(bump);
    return () => {
      offs.forEach((off) => off());
      unlive();
    };
  }, [watch, key]);
  const answers = watch ? paths.map((p) => watch.answer(p)) : [];
  const live = paths.length > 0 && answers.length === paths.length && answers.every((a) => a !== undefined);
  return { live, answers: live ? (answers as WatchedAnswer[]) : [] };
}

/** useWatchedAll for one path (undefined: nothing watched, not live). */
export function useWatched(path: string | undefined): { live: boolean; answer?: WatchedAnswer } {
  const all = useWatchedAll(path ? [path] : []);
  return { live: all.live, answer: all.answers[0] };
}

/**
 * For views that read several resources when one changes: `live` once every path has come over the stream,
 * `tick` moving on each change after the first answers.
 */
export function useWatchTick(paths: string[]): { live: boolean; tick: number } {
  const watch = useContext(WatchContext);
  const [tick, setTick] = useState(0);
  const [, setVersion] = useState(0);
  const key = paths.join('\n');
  useEffect(() => {
    if (!watch || paths.length === 0) return;
    const firstSeen = new Set<string>();
    const offs = paths.map((p) =>
      watch.follow(p, () => {
        if (firstSeen.has(p)) setTick((t) => t + 1);
        else {
          firstSeen.add(p);
          setVersion((v) => v + 1);
        }
      }),
    );
    const unlive = watch.onLiveChange(() => setVersion((v) => v + 1));
    return () => {
      offs.forEach((off) => off());
      unlive();
    };
  }, [watch, key]);
  const live = !!watch && paths.length > 0 && paths.every((p) => watch.live(p));
  return { live, tick };
}

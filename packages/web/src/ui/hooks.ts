// Data-loading hooks: one-shot loads and polling that pauses while the page is hidden and never
// overlaps two requests for the same thing.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useWatchTick } from '../state/watch';

const NO_PATHS: string[] = [];

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  /** Loads again now. */
  reload: () => void;
}

/** True while the document is visible. */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  return visible;
}

/**
 * Runs `load` when `deps` change and then every `intervalMs` (0 = once) while the page is visible
 * and `enabled`. A change of `deps` aborts the run in flight (it asks for something else); a failed poll keeps the
 * last good data. A change of `refresh` (e.g. the fault store's event counter) loads again and keeps the data shown
 * meanwhile; it never aborts a run in flight: the run finishes and one more follows it, however many changes came
 * meanwhile (a burst of fault events is one read, not an abort-restart storm that never answers).
 * With `watch` (the API paths `load` reads), while the gateway's watch stream brings them (state/watch.ts)
 * `load` runs again when one of them changed instead of every `intervalMs`.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], intervalMs = 0, enabled = true, refresh?: unknown, watch: string[] = NO_PATHS): Loaded<T> {
  const watched = useWatchTick(enabled ? watch : NO_PATHS);
  intervalMs = watched.live ? 0 : intervalMs;
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const visible = usePageVisible();
  const loadRef = useRef(load);
  loadRef.current = load;
  // Asks the current run loop for one more read (set by the effect below while it is active).
  const kick = useRef<(() => void) | undefined>(undefined);

  useEffect(() => {
    setState({ loading: true });
  }, deps);

  useEffect(() => {
    if (!enabled || (!visible && intervalMs > 0)) return;
    let stopped = false;
    let running = false;
    let again = false;
    let controller: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      running = true;
      again = false;
      controller = new AbortController();
      try {
        const data = await loadRef.current(controller.signal);
        if (!stopped) setState({ data, loading: false });
      } catch (err) {
        if (!stopped && !controller.signal.aborted) setState((s) => ({ data: s.data, error: err as Error, loading: false }));
      }
      running = false;
      if (stopped) return;
      if (again) void run();
      else if (intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    kick.current = () => {
      if (running) {
        again = true;
        return;
      }
      clearTimeout(timer);
      void run();
    };
    void run();
    return () => {
      stopped = true;
      kick.current = undefined;
      controller?.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, enabled, visible, intervalMs]);

  // Something the read depends on changed (not what it asks for): read again, after the run in flight if any.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    kick.current?.();
  }, [refresh, watched.tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** True while the element is on screen (IntersectionObserver). */
export function useOnScreen(ref: { current: Element | null }): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') {
      setOn(true);
      return;
    }
    const io = new IntersectionObserver((entries) => setOn(entries.some((e) => e.isIntersecting)));
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return on;
}

/** Current location hash, updated on navigation. */
export function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

// Code loaded when first needed (a separate chunk): the incident view with its plots stays out of the script
// the first paint waits for. One promise per loader, shared by every caller.
import { useEffect, useState } from 'preact/hooks';

const cache = new Map<() => Promise<unknown>, Promise<unknown>>();

/** A lazily loaded module's state: the module once loaded, or why its chunk did not load (and a way to ask again). */
export interface ModuleState<T> {
  mod?: T;
  error?: unknown;
  retry: () => void;
}

/** The module's load state (nothing until `load` is given; a failed load is asked again on retry or the next mount). */
export function useModuleState<T>(load: (() => Promise<T>) | undefined): ModuleState<T> {
  const [state, setState] = useState<{ mod?: T; error?: unknown }>({});
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!load) return;
    let live = true;
    let p = cache.get(load) as Promise<T> | undefined;
    if (!p) {
      p = load();
      cache.set(load, p);
      p.catch(() => cache.delete(load));
    }
    p.then(
      (m) => live && setState({ mod: m }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [load, attempt]);
  return { ...state, retry: () => (setState({}), setAttempt((n) => n + 1)) };
}

/** The module once loaded (undefined until then, and while its load fails). No `load` yet: not loaded yet. */
export function useModule<T>(load: (() => Promise<T>) | undefined): T | undefined {
  return useModuleState(load).mod;
}

// Code loaded when first needed (a separate chunk): the incident view with its plots stays out of the script
// the first paint waits for. One promise per loader, shared by every caller.
import { useEffect, useState } from 'preact/hooks';

const cache = new Map<() => Promise<unknown>, Promise<unknown>>();

/** The module once loaded (undefined until then; a failed load is retried on the next mount). No `load` yet: not loaded yet. */
export function useModule<T>(load: (() => Promise<T>) | undefined): T | undefined {
  const [mod, setMod] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (!load) return;
    let live = true;
    let p = cache.get(load) as Promise<T> | undefined;
    if (!p) {
      p = load();
      cache.set(load, p);
      p.catch(() => cache.delete(load));
    }
    p.then((m) => live && setMod(() => m)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [load]);
  return mod;
}

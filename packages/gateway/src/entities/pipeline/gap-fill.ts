/**
 * Gap fill (docs/manifest.md): what the runtime layer may contribute to the merged tree. It filters only the
 * runtime layer's output; the linker still sees every runtime App.
 */
import { namespaceCovers, splitFqn, type App, type EntitySnapshot } from '../model.js';

export interface GapFillOptions {
  /** Runtime Apps for nodes no manifest App binds (default true). */
  allow_heuristic_apps: boolean;
  /** Runtime namespace Functions (default false). */
  allow_heuristic_functions: boolean;
  /** When non-empty, only Apps whose node namespace equals or is under an entry. */
  namespace_whitelist: string[];
  /** Apps under these namespaces are dropped. */
  namespace_blacklist: string[];
}

export const DEFAULT_GAP_FILL: Readonly<GapFillOptions> = {
  allow_heuristic_apps: true,
  allow_heuristic_functions: false,
  namespace_whitelist: [],
  namespace_blacklist: [],
};

/** Namespace of the node an App stands for. */
function appNamespace(app: App): string {
  if (app.bound_fqn) return splitFqn(app.bound_fqn).namespace;
  return app.ros_binding?.namespace ?? '/';
}

/** Filters a runtime layer output; returns what is kept and how many entities were dropped. */
export function applyGapFill(out: EntitySnapshot, opts: GapFillOptions): { kept: EntitySnapshot; filtered: number } {
  const allowed = (app: App): boolean => {
    if (!opts.allow_heuristic_apps) return false;
    const ns = appNamespace(app);
    if (opts.namespace_whitelist.length > 0 && !opts.namespace_whitelist.some((w) => namespaceCovers(w, ns))) return false;
    return !opts.namespace_blacklist.some((b) => namespaceCovers(b, ns));
  };
  const apps = out.apps.filter(allowed);
  const functions = opts.allow_heuristic_functions ? out.functions : [];
  const filtered = out.apps.length - apps.length + (out.functions.length - functions.length);
  return { kept: { ...out, apps, functions }, filtered };
}

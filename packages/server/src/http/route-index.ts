// Collects every registered /api/v1 route as "METHOD /api/v1/path-template" for GET / (docs/api.md), and
// remembers which of them are stand-ins (a disabled feature's routes that answer 501), so the root's
// capabilities can be derived from what actually answers.
import type { HttpApp } from './app-types.js';
import { API_BASE } from './app-types.js';

/**
 * Route `config` of a disabled feature's routes: registered (listed, documented) but answering 501, which
 * the request pipeline (http/pipeline.ts) does before entity resolution, so the handler never runs.
 */
export interface StandInRouteConfig {
  standIn?: boolean;
  /** The message of the 501 a stand-in answers. */
  disabledMessage?: string;
  /** A stand-in's own answer instead of the 501 (the auth endpoints answer 404 in OAuth2 form). */
  disabledError?: () => Error;
}

/**
 * The route `config` to register a feature's routes with: stand-ins answering `disabledMessage` (a 501), or
 * `disabledError` when given, while the feature is off.
 */
export function routeAvailability(enabled: boolean, disabledMessage?: string, disabledError?: () => Error): StandInRouteConfig {
  if (enabled) return { standIn: false };
  return disabledError ? { standIn: true, disabledMessage, disabledError } : { standIn: true, disabledMessage };
}

export class RouteIndex {
  /** Entry → served (false for stand-ins). */
  private readonly entries = new Map<string, boolean>();

  /** Must be installed before routes are registered. */
  install(app: HttpApp): void {
    app.addHook('onRoute', (route) => {
      const url = route.url;
      if (!url.startsWith(API_BASE)) return;
      const schema = route.schema as { hide?: boolean } | undefined;
      if (schema?.hide) return;
      const template = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
      const served = (route.config as StandInRouteConfig | undefined)?.standIn !== true;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) if (m !== 'HEAD') this.entries.set(`${m} ${template}`, served);
    });
  }

  list(): string[] {
    return [...this.entries.keys()];
  }

  /** True when `entry` ("GET /api/v1/...") is registered and answers (is not a 501 stand-in). */
  serves(entry: string): boolean {
    return this.entries.get(entry) === true;
  }
}

// Collects every registered /api/v1 route as "METHOD /api/v1/path-template" for GET / (§4.1).
import type { HttpApp } from './app-types.js';
import { API_BASE } from './app-types.js';

export class RouteIndex {
  private readonly entries = new Set<string>();

  /** Must be installed before routes are registered. */
  install(app: HttpApp): void {
    app.addHook('onRoute', (route) => {
      const url = route.url;
      if (!url.startsWith(API_BASE)) return;
      const schema = route.schema as { hide?: boolean } | undefined;
      if (schema?.hide) return;
      const template = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) if (m !== 'HEAD') this.entries.add(`${m} ${template}`);
    });
  }

  list(): string[] {
    return [...this.entries];
  }
}

// The watch feature: GET /x-medkit-watch (routes.ts) over one WatchHub per gateway, whose reads go through
// the gateway's own HTTP stack (Fastify's inject), so auth, locks' visibility, aggregation and every route's
// rules apply to a watched path exactly as to a GET of it.
import { API_BASE, loadedRoutes, type HttpApp } from '@medkit/server';
import type { GatewayFeature } from '../feature.js';
import { WatchHub } from './watch-hub.js';

/** Between two reads of one watched resource. */
export const WATCH_INTERVAL_MS = 5000;
/** A read that takes longer is dropped and tried again at the next tick. */
const WATCH_DEADLINE_MS = 10_000;
const MAX_BODY_BYTES = 1 << 20;
/** Watched resources (path × identity) across all clients. */
const MAX_READERS = 512;

export function createWatchFeature(opts: { intervalMs?: number; keepaliveMs?: number } = {}): GatewayFeature {
  let app: HttpApp | undefined;
  const intervalMs = opts.intervalMs ?? WATCH_INTERVAL_MS;
  const hub = new WatchHub({
    intervalMs,
    deadlineMs: WATCH_DEADLINE_MS,
    maxBodyBytes: MAX_BODY_BYTES,
    maxReaders: MAX_READERS,
    read: async (path, headers) => {
      if (!app) throw new Error('watch read before the routes are registered');
      const res = await app.inject({ method: 'GET', url: `${API_BASE}${path}`, headers });
      return { status: res.statusCode, text: res.body };
    },
  });
  return {
    name: 'watch',
    routes: (ctx) =>
      loadedRoutes(() => import('./routes.js'), (m) => (a) => {
        app = a;
        m.registerWatchRoute(a, { hub, sse: ctx.sse, keepaliveMs: opts.keepaliveMs ?? 30_000, intervalMs });
      }),
    stop: () => hub.close(),
  };
}

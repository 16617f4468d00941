// GET /x-medkit-watch?path=…&path=… (docs/api.md, "Watching resources"): an SSE stream that says when the
// answer of any of the given GET paths changes, with the new answer, so a screen left open (the UI's overview)
// follows the robot with one connection instead of polling each resource. The paths are read through the
// gateway's own HTTP stack with the client's credentials, so a watcher sees exactly what its GETs would.
import { Type } from '@sinclair/typebox';
import { API_BASE, GenericError, type HttpApp, type SseHub } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { TooManyWatchedError, type WatchHub } from './watch-hub.js';

/** Paths one stream may watch. */
export const MAX_WATCHED_PATHS = 64;
const MAX_PATH_LENGTH = 512;

/**
 * A watchable path: an API path (with an optional query) that is not itself a stream or a watch. Refused
 * otherwise with a reason (a 400 names it).
 */
export function watchPathProblem(path: string): string | undefined {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH) return `a path is 1..${MAX_PATH_LENGTH} characters`;
  if (!path.startsWith('/') || path.startsWith('//')) return `'${path.slice(0, 80)}' does not start with a single /`;
  // Control characters, spaces and fragments have no place in a GET path; '..' could leave the API.
  const odd = [...path].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f || c === '#' || c === '\\');
  if (odd || /(^|\/)\.\.?(\/|\?|$)/.test(path.split('?')[0])) return `'${path.slice(0, 80)}' is not a plain API path`;
  const bare = path.split('?')[0];
  if (/\/(stream|events)(\/|$)/.test(bare) || /^\/x-medkit-watch(\/|$)/.test(bare)) return `'${bare.slice(0, 80)}' is a stream: watch a resource, not a stream`;
  return undefined;
}

interface WatchDeps {
  hub: WatchHub;
  sse: SseHub;
  keepaliveMs: number;
  intervalMs: number;
}

export function registerWatchRoute(app: HttpApp, deps: WatchDeps): void {
  app.get(
    `${API_BASE}/x-medkit-watch`,
    {
      schema: {
        operationId: 'watchResources',
        summary: '[x-medkit] SSE stream of the answers of GET paths, sent when they change',
        description:
          `Each \`path\` (1..${MAX_WATCHED_PATHS}, relative to /api/v1, query allowed, no streams) is read with the caller's credentials every ${deps.intervalMs / 1000} s ` +
          '(one read per path and identity however many clients watch it). An event `changed` {path, status, body?, too_large?} is sent with the first answer and ' +
          'whenever the status or the body changes; `too_large` means the body exceeded 1 MiB and is not sent (GET it). Keep-alive comment every 30 s.',
        tags: ['x-medkit'],
        querystring: Type.Object({
          path: Type.Union([Type.String({ maxLength: MAX_PATH_LENGTH }), Type.Array(Type.String({ maxLength: MAX_PATH_LENGTH }), { minItems: 1, maxItems: MAX_WATCHED_PATHS })], {
            description: 'An API path to watch, e.g. /health; repeat the parameter for more.',
          }),
        }),
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), 400: GenericError, 503: GenericError },
      },
    },
    async (request, reply) => {
      const raw = (request.query as { path: string | string[] }).path;
      const paths = [...new Set(Array.isArray(raw) ? raw : [raw])];
      for (const p of paths) {
        const problem = watchPathProblem(p);
        if (problem) throw new SovdError('invalid-request', `Cannot watch: ${problem}`, { path: p.slice(0, 80) });
      }
      // The reads carry what identifies the caller to the gateway (token, client id), nothing else of the request.
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const h of ['authorization', 'x-client-id'] as const) {
        const v = request.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      // Counted as if none were shared: a full gateway refuses before the stream starts, with a status that says so.
      if (deps.hub.size + paths.length > deps.hub.capacity) {
        throw new SovdError('service-unavailable', `Too many watched resources (limit ${deps.hub.capacity}); try again later`, { max_watched: deps.hub.capacity });
      }
      const stream = deps.sse.start(request, reply, deps.keepaliveMs);
      const unwatch: (() => void)[] = [];
      const stop = () => unwatch.splice(0).forEach((u) => u());
      try {
        for (const p of paths) unwatch.push(deps.hub.watch(p, headers, (answer) => stream.send({ event: 'changed', data: answer })));
      } catch (err) {
        stop();
        // Headers are out already: say why in the stream and end it.
        stream.send({ event: 'refused', data: { message: err instanceof TooManyWatchedError ? err.message : 'cannot watch' } });
        stream.close();
        return reply;
      }
      void stream.done.then(stop);
      return reply;
    },
  );
}

// Routes declare a response schema for every status they answer (200, 400, 404, 409, ...), which the
// OpenAPI document lists. Fastify compiles them into one table per route keyed by status code; a key like
// "404" is an array index to V8, so each table grows a holey element array of ~600 slots (about 4.8 KB per
// route, 1.6 MB over a gateway's routes). Error bodies never use those serializers: every error is rendered
// by the error stage with JSON.stringify (error-stage.ts). So Fastify is given the success statuses only,
// under "2xx" when there is one (not an index: no element array), and the OpenAPI document gets the full
// declaration back (documentedResponses, applied by the document's transform in openapi.ts).
import type { RouteOptions } from 'fastify';
import type { HttpApp } from './app-types.js';

type ResponseMap = Record<string, unknown>;

/** The full response declarations of routes whose compiled table was narrowed, by route. */
const documented = new WeakMap<object, ResponseMap>();

/** What Fastify compiles: the 2xx declarations, as "2xx" when there is exactly one. Undefined: keep as declared. */
export function servedResponses(response: ResponseMap): ResponseMap | undefined {
  const success = Object.keys(response).filter((k) => /^2(\d\d|xx)$/i.test(k));
  if (success.length === Object.keys(response).length && !(success.length === 1 && success[0] !== '2xx')) return undefined;
  if (success.length === 1) return { '2xx': response[success[0]] };
  return Object.fromEntries(success.map((k) => [k, response[k]]));
}

/** Must be installed before routes are registered. */
export function installResponseSchemaSplit(app: HttpApp): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { response?: ResponseMap } | undefined;
    if (!schema?.response) return;
    const served = servedResponses(schema.response);
    if (!served) return;
    documented.set(route, schema.response);
    route.schema = { ...schema, response: served };
  });
}

/** The responses a route declared, for the OpenAPI document (the served ones when nothing was narrowed). */
export function documentedResponses(route: object, schema: { response?: unknown } | undefined): unknown {
  return documented.get(route) ?? schema?.response;
}

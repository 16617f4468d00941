// `/metrics`: the Prometheus text exposition of the gateway's registry, and the hook that counts every answered
// request by its route pattern. Both only translate between Fastify and the domain (http-requests.ts, service.ts).
import type { RouteModule } from '../http/server.js';
import type { RouteAccess } from '@medkit/kit';
import type { HttpRequestMetrics } from './http-requests.js';
import type { MetricsService } from './service.js';

export const METRICS_PATH = '/metrics';

export function metricsRoutes(metrics: MetricsService, requests: HttpRequestMetrics, role: RouteAccess): RouteModule {
  return (app) => {
    // Callback style: an async hook would cost a promise per request. elapsedTime is Fastify's own timer (ms).
    app.addHook('onResponse', (request, reply, done) => {
      requests.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    // Outside /api/v1 (where Prometheus looks by default), but held to `metrics.role` like any API route; not in
    // the OpenAPI document, which describes the SOVD API.
    app.get(METRICS_PATH, { schema: { hide: true }, config: { role } }, async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      return reply.type(contentType).send(body);
    });
  };
}

// Prometheus metrics at /metrics (issue #30): the gateway's HTTP, SSE, fault and RTPS metrics and Node's process
// metrics, plus whatever other features register through METRICS_SERVICE (the fleet replica's ingest). With
// `metrics.enabled: false` nothing is registered and prom-client is never loaded.
import { bool, guarded, str } from '@medkit/kit';
import type { GatewayFeature } from '../feature.js';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { ROLES } from '@medkit/kit';
import { registerGatewayMetrics } from './collectors.js';
import { HttpRequestMetrics } from '@medkit/server';
import { loadMetrics } from '@medkit/server';
import { metricsRoutes, METRICS_PATH } from '@medkit/server';
import { METRICS_SERVICE, type MetricsService } from '@medkit/server';

export const METRICS_KEYS = {
  // Off by default: loading prom-client adds about 34 ms to a plain gateway's start-up (and 0.8 MB USS;
  // docs/benchmarks.md, "Metrics"), over the ~30 ms a feature may cost when nobody asked for it.
  'metrics.enabled': bool(false, '[ours] Serve Prometheus metrics (text exposition format) at /metrics (docs/metrics.md). Off: prom-client is not loaded.'),
  'metrics.role': guarded('security', str('viewer', '[ours] Minimum role that may scrape /metrics when auth is on (`public`: no token, even with `auth.require_auth_for: all`).', { enum: ['public', ...ROLES] })),
};

export function createMetricsFeature(): GatewayFeature {
  let metrics: MetricsService | undefined;
  let requests: HttpRequestMetrics | undefined;
  return {
    name: 'metrics',
    provides: [METRICS_SERVICE],
    // Initialised after the services it reads, so it knows at init which groups of metrics exist.
    uses: [FAULTS_SERVICE, ROS_SERVICE],
    // Its request hook is installed before the resources' routes.
    routePhase: 'intercept',
    keys: METRICS_KEYS,
    async init(ctx) {
      if (!ctx.config.read(METRICS_KEYS, 'metrics.enabled')) return;
      metrics = await loadMetrics();
      requests = new HttpRequestMetrics(metrics);
      const ros = ctx.services.find(ROS_SERVICE);
      registerGatewayMetrics(metrics, {
        sseClients: () => ctx.sse.clients,
        faults: ctx.services.find(FAULTS_SERVICE),
        rtps: ros ? () => ros.trafficStats() : undefined,
        health: () => ctx.health.collect(),
      });
      ctx.services.provide(METRICS_SERVICE, metrics);
    },
    routes: (ctx) => async (app) => {
      if (metrics && requests) await metricsRoutes(metrics, requests, ctx.config.read(METRICS_KEYS, 'metrics.role'))(app);
    },
    summary: (ctx) => (metrics ? [['metrics', `Prometheus at ${METRICS_PATH} (role ${ctx.config.read(METRICS_KEYS, 'metrics.role')})`]] : []),
  };
}

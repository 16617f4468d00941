// Loads prom-client (only when metrics are on: the import is dynamic so a gateway with metrics off never
// resolves it) and makes the gateway's registry with Node's process metrics (memory, CPU, event-loop lag, GC).
import type { MetricsService } from './service.js';

export async function loadMetrics(): Promise<MetricsService> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  // Standard names (process_resident_memory_bytes, nodejs_eventloop_lag_seconds, ...) so stock dashboards work.
  // The event-loop delay sampler wakes the loop every `precision` ms: prom-client's 10 ms costs an idle gateway
  // about 0.3 % of a core, 100 ms about 0.05 %, and still sees every stall longer than that.
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return {
    client,
    registry,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

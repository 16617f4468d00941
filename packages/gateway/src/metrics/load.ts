// Loads prom-client (only when metrics are on: the import is dynamic so a gateway with metrics off never
// resolves it) and makes the gateway's registry with Node's process metrics (memory, CPU, event-loop lag, GC).
import type { MetricsService } from './service.js';

export async function loadMetrics(): Promise<MetricsService> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  // Standard names (process_resident_memory_bytes, nodejs_eventloop_lag_seconds, ...) so stock dashboards work.
  client.collectDefaultMetrics({ register: registry });
  return {
    client,
    registry,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

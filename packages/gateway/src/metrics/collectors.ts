// The gateway's own metrics besides HTTP requests: SSE clients, faults, and RTPS when ROS is on. Each group
// is registered only when its source exists, so a `--no-ros` gateway exports no RTPS series at all.
import type { TrafficStats } from '@medkit/rtps';
import type { FaultsService } from '../faults/gateway/service.js';
import { registerFaultMetrics } from './faults.js';
import { registerRtpsMetrics } from './rtps.js';
import type { MetricsService } from '@medkit/server';
import { nativeParts } from '../info/native-parts.js';

interface GatewayMetricSources {
  /** Open SSE streams (every stream of the gateway's SSE hub: faults, triggers, subscriptions, the fleet feed). */
  sseClients(): number;
  faults?: FaultsService;
  /** The ROS participant's counters; undefined while it is not connected. */
  rtps?: () => TrafficStats | undefined;
  /** What /health says (the same registry): status and warnings. */
  health?: () => Promise<{ degraded: boolean; warnings: { code: string }[] }>;
}

export function registerGatewayMetrics(m: MetricsService, src: GatewayMetricSources): void {
  // An info metric (value 1, the facts in labels): which runtime, SQLite driver and RTPS path this process runs on.
  const parts = nativeParts();
  new m.client.Gauge({ name: 'medkit_runtime_info', help: 'Always 1; labels: the Node.js version, the SQLite driver and version, the RTPS path (addon or javascript).', labelNames: ['node_version', 'sqlite_driver', 'sqlite_version', 'rtps_path'], registers: [m.registry] }).set(
    { node_version: parts.runtime.version, sqlite_driver: parts.sqlite.loaded ? 'better-sqlite3' : 'none', sqlite_version: parts.sqlite.sqlite_version ?? '', rtps_path: parts.rtps.path },
    1,
  );
  new m.client.Gauge({ name: 'medkit_sse_clients', help: 'Server-sent event streams open now.', registers: [m.registry], collect() { this.set(src.sseClients()); } });
  if (src.health) {
    const health = src.health;
    // Read once per scrape for both series; /health and /metrics agree because they read one registry.
    let last: Promise<{ degraded: boolean; warnings: { code: string }[] }> | undefined;
    const read = () => (last ??= health().finally(() => setImmediate(() => (last = undefined))));
    new m.client.Gauge({ name: 'medkit_health_degraded', help: '1 while /health says "degraded" (the gateway cannot do part of its job), else 0.', registers: [m.registry], async collect() { this.set((await read()).degraded ? 1 : 0); } });
    new m.client.Gauge({
      name: 'medkit_health_warnings',
      help: 'Warnings /health carries now, by code.',
      labelNames: ['code'],
      registers: [m.registry],
      async collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const w of (await read()).warnings) counts.set(w.code, (counts.get(w.code) ?? 0) + 1);
        for (const [code, n] of counts) this.set({ code }, n);
      },
    });
  }
  if (src.faults) registerFaultMetrics(m, src.faults);
  if (src.rtps) registerRtpsMetrics(m, src.rtps);
}

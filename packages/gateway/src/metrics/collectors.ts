// The gateway's own metrics besides HTTP requests: SSE clients, faults, and RTPS when ROS is on. Each group
// is registered only when its source exists, so a `--no-ros` gateway exports no RTPS series at all.
import type { TrafficStats } from '@medkit/rtps';
import type { FaultsService } from '../faults/gateway/service.js';
import { registerFaultMetrics } from './faults.js';
import { registerRtpsMetrics } from './rtps.js';
import type { MetricsService } from '@medkit/server';

interface GatewayMetricSources {
  /** Open SSE streams (every stream of the gateway's SSE hub: faults, triggers, subscriptions, the fleet feed). */
  sseClients(): number;
  faults?: FaultsService;
  /** The ROS participant's counters; undefined while it is not connected. */
  rtps?: () => TrafficStats | undefined;
}

export function registerGatewayMetrics(m: MetricsService, src: GatewayMetricSources): void {
  new m.client.Gauge({ name: 'medkit_sse_clients', help: 'Server-sent event streams open now.', registers: [m.registry], collect() { this.set(src.sseClients()); } });
  if (src.faults) registerFaultMetrics(m, src.faults);
  if (src.rtps) registerRtpsMetrics(m, src.rtps);
}

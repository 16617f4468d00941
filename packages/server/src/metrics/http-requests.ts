// HTTP requests by route pattern, method and status, with their latency. The route is the pattern Fastify
// matched (`/api/v1/apps/:app_id`), never the raw URL, so the number of series is bounded by the routes the
// gateway registers, whatever URLs clients send; a request no route matched counts under UNMATCHED_ROUTE.
import type { Counter, Histogram } from 'prom-client';
import type { MetricsService } from './service.js';

const UNMATCHED_ROUTE = '(unmatched)';

/** Seconds; finer than prom-client's default at the low end, where cached GETs answer. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = 'method' | 'route' | 'status';

interface Series {
  count: Counter.Internal;
  latency: Histogram.Internal<Labels>;
}

export class HttpRequestMetrics {
  private readonly count: Counter<Labels>;
  private readonly latency: Histogram<Labels>;
  /** route → method → status → series: the hot path looks up children without building a label key per request. */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(m: MetricsService) {
    const labelNames = ['method', 'route', 'status'] as const;
    this.count = new m.client.Counter({ name: 'medkit_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames, registers: [m.registry] });
    this.latency = new m.client.Histogram({ name: 'medkit_http_request_duration_seconds', help: 'Time from request to response sent, by method, route pattern and status.', labelNames, buckets: BUCKETS, registers: [m.registry] });
  }

  /** One answered request; `route` is the matched pattern or undefined when none matched. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const s = this.seriesOf(method, route ?? UNMATCHED_ROUTE, status);
    s.count.inc();
    s.latency.observe(seconds);
  }

  private seriesOf(method: string, route: string, status: number): Series {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s) {
      const labels = { method, route, status: String(status) };
      byStatus.set(status, (s = { count: this.count.labels(labels), latency: this.latency.labels(labels) }));
    }
    return s;
  }
}

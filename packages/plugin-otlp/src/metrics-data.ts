// The gateway's Prometheus metrics (as the plugin context hands them, plugin-api host-access.ts) as the OpenTelemetry
// SDK's metric data, for the official OTLP metric exporter to encode (docs/logs-export.md, "Metrics"). Names stay
// those /metrics shows; counters are cumulative monotonic sums since the process started, gauges gauges, histograms
// explicit-bucket histograms (Prometheus' cumulative buckets made per-bucket counts), a summary its quantiles as a
// gauge and its _sum and _count as sums. Pure: no I/O.
import type { PluginMetricFamily, PluginMetricSample } from '@medkit/plugin-api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { DataPoint, Histogram, MetricData, MetricDescriptor, ResourceMetrics } from '@opentelemetry/sdk-metrics';

type Attributes = DataPoint<number>['attributes'];
type HrTime = DataPoint<number>['startTime'];

/**
 * @opentelemetry/api's ValueType.DOUBLE (Prometheus values are doubles), spelt out: the api is only the SDK's peer
 * dependency here (scripts/check-deps.mjs), and a type is all this file needs of it.
 */
const DOUBLE = 1 as MetricDescriptor['valueType'];

/** Data points sent per export at most: a registry gone wild (labels by the thousand) costs a bounded request. */
export const MAX_POINTS = 10_000;

/** The SDK's enums (sdk-metrics is loaded only with metrics.enabled, so they are handed in rather than imported). */
export interface SdkEnums {
  /** DataPointType: HISTOGRAM, GAUGE, SUM. */
  points: { HISTOGRAM: number; GAUGE: number; SUM: number };
  /** AggregationTemporality.CUMULATIVE. */
  cumulative: number;
}

export interface Converted {
  resourceMetrics: ResourceMetrics;
  points: number;
  /** Points left out past MAX_POINTS. */
  truncated: number;
}

const toHr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

function attrs(labels: Readonly<Record<string, string>>, without?: string): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(labels)) if (k !== without) out[k] = v;
  return out;
}

/** A key for a series' labels without `without` (le, quantile): one histogram point per key. */
function seriesKey(labels: Readonly<Record<string, string>>, without: string): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== without).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Prometheus' cumulative buckets of one series as OTLP's boundaries and per-bucket counts. */
function histogramOf(buckets: PluginMetricSample[], sum: number | undefined, count: number | undefined): Histogram {
  const sorted = buckets.map((b) => ({ le: b.labels.le === '+Inf' ? Infinity : Number(b.labels.le), n: b.value })).filter((b) => !Number.isNaN(b.le)).sort((a, b) => a.le - b.le);
  const boundaries: number[] = [];
  const counts: number[] = [];
  let before = 0;
  for (const b of sorted) {
    if (b.le !== Infinity) boundaries.push(b.le);
    counts.push(Math.max(0, b.n - before));
    before = b.n;
  }
  // The +Inf bucket is the total: without one, what lies above the last bound is the count's remainder.
  if (sorted.length === 0 || sorted[sorted.length - 1].le !== Infinity) counts.push(Math.max(0, (count ?? before) - before));
  return { buckets: { boundaries, counts }, count: count ?? before, ...(sum !== undefined ? { sum } : {}) };
}

/**
 * The families as one ResourceMetrics. `startMs` is when the counters started counting (the process's start), `nowMs`
 * the reading's time.
 */
export function toResourceMetrics(families: PluginMetricFamily[], resource: Resource, scope: InstrumentationScope, sdk: SdkEnums, startMs: number, nowMs: number): Converted {
  const start = toHr(startMs);
  const end = toHr(nowMs);
  const metrics: MetricData[] = [];
  let points = 0;
  let truncated = 0;
  const room = (n: number) => {
    const take = Math.max(0, Math.min(n, MAX_POINTS - points));
    truncated += n - take;
    points += take;
    return take;
  };
  const descriptor = (name: string, help: string) => ({ name, description: help, unit: '', valueType: DOUBLE });
  const numberPoints = (samples: PluginMetricSample[], startTime: HrTime, without?: string): DataPoint<number>[] =>
    samples.slice(0, room(samples.length)).map((x) => ({ startTime, endTime: end, attributes: attrs(x.labels, without), value: x.value }));
  const sum = (name: string, help: string, samples: PluginMetricSample[]) => {
    const dataPoints = numberPoints(samples, start);
    if (dataPoints.length) metrics.push({ descriptor: descriptor(name, help), aggregationTemporality: sdk.cumulative, dataPointType: sdk.points.SUM, isMonotonic: true, dataPoints } as MetricData);
  };
  const gauge = (name: string, help: string, samples: PluginMetricSample[]) => {
    const dataPoints = numberPoints(samples, end);
    if (dataPoints.length) metrics.push({ descriptor: descriptor(name, help), aggregationTemporality: sdk.cumulative, dataPointType: sdk.points.GAUGE, dataPoints } as MetricData);
  };
  for (const f of families) {
    const named = (suffix: string) => f.samples.filter((x) => x.name === `${f.name}${suffix}`);
    if (f.type === 'counter') sum(f.name, f.help, f.samples);
    else if (f.type === 'gauge') gauge(f.name, f.help, f.samples);
    else if (f.type === 'summary') {
      gauge(f.name, f.help, named(''));
      sum(`${f.name}_sum`, f.help, named('_sum'));
      sum(`${f.name}_count`, f.help, named('_count'));
    } else {
      const groups = new Map<string, { labels: Readonly<Record<string, string>>; buckets: PluginMetricSample[]; sum?: number; count?: number }>();
      for (const x of f.samples) {
        const key = seriesKey(x.labels, 'le');
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { labels: x.labels, buckets: [] }));
        if (x.name === `${f.name}_bucket`) g.buckets.push(x);
        else if (x.name === `${f.name}_sum`) g.sum = x.value;
        else if (x.name === `${f.name}_count`) g.count = x.value;
      }
      const list = [...groups.values()].slice(0, room(groups.size));
      const dataPoints = list.map((g): DataPoint<Histogram> => ({ startTime: start, endTime: end, attributes: attrs(g.labels, 'le'), value: histogramOf(g.buckets, g.sum, g.count) }));
      if (dataPoints.length) metrics.push({ descriptor: descriptor(f.name, f.help), aggregationTemporality: sdk.cumulative, dataPointType: sdk.points.HISTOGRAM, dataPoints } as MetricData);
    }
  }
  return { resourceMetrics: { resource, scopeMetrics: [{ scope, metrics }] }, points, truncated };
}

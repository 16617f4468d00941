// The Prometheus-to-OpenTelemetry mapping of otlp_export's metrics (src/metrics-data.ts): cumulative buckets made
// per-bucket counts, summaries split, and the per-export bound on data points.
import { describe, expect, it } from 'vitest';
import { AggregationTemporality, DataPointType, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { PluginMetricFamily } from '@medkit/plugin-api';
import { MAX_POINTS, toResourceMetrics } from '../src/metrics-data.js';

const enums = { points: DataPointType, cumulative: AggregationTemporality.CUMULATIVE };
const convert = (families: PluginMetricFamily[]) => toResourceMetrics(families, resourceFromAttributes({ 'service.name': 'medkit' }), { name: 'medkit' }, enums, 1_000, 61_500);

describe('otlp_export metrics mapping', () => {
  it('a histogram: one point per label set, per-bucket counts, sum and count; a counter starts at the process start', () => {
    const hist: PluginMetricFamily = {
      name: 'lat',
      help: 'h',
      type: 'histogram',
      samples: [
        { name: 'lat_bucket', labels: { le: '0.1', route: '/a' }, value: 2 },
        { name: 'lat_bucket', labels: { le: '1', route: '/a' }, value: 5 },
        { name: 'lat_bucket', labels: { le: '+Inf', route: '/a' }, value: 6 },
        { name: 'lat_sum', labels: { route: '/a' }, value: 3.5 },
        { name: 'lat_count', labels: { route: '/a' }, value: 6 },
        { name: 'lat_bucket', labels: { le: '0.1', route: '/b' }, value: 0 },
        { name: 'lat_bucket', labels: { le: '1', route: '/b' }, value: 0 },
        { name: 'lat_bucket', labels: { le: '+Inf', route: '/b' }, value: 1 },
        { name: 'lat_sum', labels: { route: '/b' }, value: 9 },
        { name: 'lat_count', labels: { route: '/b' }, value: 1 },
      ],
    };
    const counter: PluginMetricFamily = { name: 'reqs_total', help: 'c', type: 'counter', samples: [{ name: 'reqs_total', labels: {}, value: 7 }] };
    const { resourceMetrics, points, truncated } = convert([hist, counter]);
    const [h, c] = resourceMetrics.scopeMetrics[0].metrics as [HistogramMetricData, SumMetricData];
    expect(h.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(h.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ route: '/a' }, { buckets: { boundaries: [0.1, 1], counts: [2, 3, 1] }, count: 6, sum: 3.5 }],
      [{ route: '/b' }, { buckets: { boundaries: [0.1, 1], counts: [0, 0, 1] }, count: 1, sum: 9 }],
    ]);
    expect(c).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, aggregationTemporality: AggregationTemporality.CUMULATIVE });
    expect(c.dataPoints[0]).toMatchObject({ value: 7, startTime: [1, 0], endTime: [61, 500_000_000] });
    expect([points, truncated]).toEqual([3, 0]);
  });

  it('a summary: quantiles as a gauge, _sum and _count as sums', () => {
    const { resourceMetrics } = convert([{ name: 'gc', help: 's', type: 'summary', samples: [
      { name: 'gc', labels: { quantile: '0.5' }, value: 0.01 },
      { name: 'gc_sum', labels: {}, value: 2 },
      { name: 'gc_count', labels: {}, value: 40 },
    ] }]);
    expect(resourceMetrics.scopeMetrics[0].metrics.map((m) => [m.descriptor.name, m.dataPointType])).toEqual([['gc', DataPointType.GAUGE], ['gc_sum', DataPointType.SUM], ['gc_count', DataPointType.SUM]]);
  });

  it(`sends at most ${MAX_POINTS} points, counting the rest`, () => {
    const samples = Array.from({ length: MAX_POINTS + 5 }, (_, i) => ({ name: 'g', labels: { i: String(i) }, value: i }));
    const { points, truncated } = convert([{ name: 'g', help: 'g', type: 'gauge', samples }]);
    expect([points, truncated]).toEqual([MAX_POINTS, 5]);
  });
});

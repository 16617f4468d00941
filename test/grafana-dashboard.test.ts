// examples/grafana/medkit-dashboard.json only queries metrics medkit exposes: every metric name its PromQL
// expressions reference is a family a real robot gateway serves on /metrics, or one the registry gets from the
// RTPS collectors (they need a ROS participant; packages/gateway/test/metrics scrapes them from a real one) or the
// fleet replica's. A renamed metric or a typo in the dashboard fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import { startTestGateway } from '../test-support/gateway/gateway.js';
import { loadMetrics } from '@medkit/server';
import { registerRtpsMetrics } from '@medkit/gateway';
import { registerFleetMetrics } from '@medkit/fleet';
import { familiesOf } from '../test-support/prometheus.js';

const DASHBOARD = new URL('../examples/grafana/medkit-dashboard.json', import.meta.url);

/** PromQL words that are not metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** Metric names referenced by a PromQL expression: label matchers, strings, ranges, grouping clauses and function calls removed. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  // A whole identifier not followed by `(` (a function call) and not part of a number (1e3, 0.99).
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((m) => !m[2]).map((m) => m[1]);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n.toLowerCase())))];
}

function expressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) expressions(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push(v);
      else expressions(v, out);
    }
  }
  return out;
}

/** A family's sample names: a histogram's `_bucket`, `_sum` and `_count`, a summary's `_sum` and `_count`. */
function sampleNames(families: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [f, type] of families) {
    names.add(f);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(f + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(f + s);
  }
  return names;
}

/** The families a default gateway with metrics on serves on /metrics. */
async function gatewayFamilies(): Promise<Map<string, string>> {
  const g = await startTestGateway({ defaults: true, flags: { 'metrics.enabled': true } });
  try {
    return familiesOf(await (await fetch(`${g.url}/metrics`)).text());
  } finally {
    await g.close();
  }
}

describe('the example Grafana dashboard', () => {
  it('references only metrics a robot gateway or a fleet replica exposes', async () => {
    const exposed = await gatewayFamilies();
    const others = await loadMetrics();
    registerRtpsMetrics(others, () => undefined);
    const noDatabase = { query: () => Promise.reject(new Error('no database in this test')) } as unknown as Pool;
    registerFleetMetrics(others, { ingest: () => undefined, fastPath: () => undefined, pool: () => noDatabase });
    for (const [f, t] of familiesOf(await others.registry.metrics())) exposed.set(f, t);
    const known = sampleNames(exposed);

    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: unknown[] };
    const exprs = expressions(dashboard.panels);
    expect(exprs.length).toBeGreaterThan(10);
    const used = [...new Set(exprs.flatMap(metricNames))];
    expect(used.filter((n) => !known.has(n))).toEqual([]);
    // Each group of the dashboard is really there: the check above cannot pass on an empty list.
    for (const n of ['medkit_http_request_duration_seconds_bucket', 'medkit_faults', 'medkit_rtps_received_bytes_total', 'medkit_fleet_ingest_lag_seconds_bucket', 'medkit_fleet_robots', 'process_resident_memory_bytes']) expect(used).toContain(n);
  });

  it('the name extraction finds names and skips functions, labels, grouping and ranges', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, route) (rate(medkit_x_bucket{status=~"5..", a="b"}[5m])))')).toEqual(['medkit_x_bucket']);
    expect(metricNames('a_total / on(instance) group_left b + max(c{state="online"}) offset 5m')).toEqual(['a_total', 'b', 'c']);
  });
});

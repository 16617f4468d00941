// Builds one Function's pipeline graph (docs/graph.md) from the entity snapshot, the live topology and the
// `/diagnostics` metric cache. Pure: no clock, no ROS; the plugin passes "now" in. Rebuilt on every request.
import { type App, effectiveFqn, type IntrospectionInput, type SovdFunction } from '@medkit/plugin-api';
import type { GraphThresholds } from './config.js';
import type { TopicMetrics } from './metrics.js';

const GRAPH_SCHEMA_VERSION = '2.0.0';
/** Edges drawn at most per graph (a Function of many Apps on one topic must not make a huge document). */
const MAX_EDGES = 4096;

/** Topics never drawn: ROS plumbing, and REP-2009 negotiation topics (a path segment exactly `nitros`). */
const EXCLUDED_TOPICS = new Set(['/parameter_events', '/rosout', '/diagnostics']);
export function isExcludedTopic(topic: string): boolean {
  return EXCLUDED_TOPICS.has(topic) || topic.split('/').includes('nitros');
}

/** The live ROS graph as the builder needs it. */
export interface LiveTopology {
  /** What a node (FQN) publishes and subscribes now; undefined when the node is not in the graph. */
  endpointsOf(fqn: string): { publishes: readonly string[]; subscribes: readonly string[] } | undefined;
  /** Live publishers on a topic. */
  publisherCount(topic: string): number;
}

interface EdgeMetrics {
  source?: string;
  publisher_count: number;
  rate_ambiguous?: true;
  frequency_hz?: number;
  latency_ms?: number;
  drop_rate_percent?: number;
  metrics_status: 'pending' | 'active' | 'error';
  error_reason?: 'metrics_stale';
}

export interface GraphEdge {
  edge_id: string;
  source: string;
  target: string;
  topic_id: string;
  transport_type: string;
  metrics: EdgeMetrics;
}

interface GraphNodeDoc {
  entity_id: string;
  node_status: 'reachable' | 'unreachable';
  last_seen?: string;
}

export interface GraphDocument {
  schema_version: string;
  graph_id: string;
  timestamp: string;
  scope: { type: 'function'; entity_id: string };
  pipeline_status: 'healthy' | 'degraded' | 'broken';
  bottleneck_edge: string | null;
  topics: { topic_id: string; name: string }[];
  nodes: GraphNodeDoc[];
  edges: GraphEdge[];
}

export interface BuildInput {
  fn: SovdFunction;
  snapshot: IntrospectionInput;
  live: LiveTopology;
  metrics: (topic: string) => TopicMetrics | undefined;
  thresholds: GraphThresholds;
  /** App id → ISO time of the last introspection cycle that saw it online. */
  lastSeen: (appId: string) => string | undefined;
  /** Monotonic ms (ages) and wall clock ms (timestamp). */
  nowMono: number;
  nowWall: number;
}

/** Apps of a Function: hosts naming an App, plus the Apps of hosts naming a Component; in host order, once each. */
export function scopedApps(fn: SovdFunction, snapshot: IntrospectionInput): App[] {
  const byId = new Map(snapshot.apps.map((a) => [a.id, a]));
  const out = new Map<string, App>();
  for (const h of fn.hosts) {
    const app = byId.get(h);
    if (app) out.set(app.id, app);
    else for (const a of snapshot.apps) if (a.component_id === h) out.set(a.id, a);
  }
  return [...out.values()];
}

/** Freshness window in seconds: max(floor, headroom / expected Hz). */
export function freshnessWindowSec(t: GraphThresholds, expectedHz: number): number {
  return Math.max(t.freshnessFloorSec, t.freshnessHeadroomFactor / expectedHz);
}

interface Judged {
  metrics: EdgeMetrics;
  /** measured / expected, when a rate counts. */
  ratio?: number;
  degraded: boolean;
}

function judgeEdge(topic: string, input: BuildInput): Judged {
  const t = input.thresholds;
  const publisherCount = input.live.publisherCount(topic);
  const ambiguous = publisherCount > 1;
  const m: EdgeMetrics = { publisher_count: publisherCount, ...(ambiguous ? { rate_ambiguous: true as const } : {}), metrics_status: 'pending' };
  const sample = input.metrics(topic);
  if (!sample) return { metrics: m, degraded: false };
  if (sample.source) m.source = sample.source;
  const suppressRate = ambiguous && t.multiPublisherRate === 'suppress';
  if (sample.frequencyHz !== undefined && !suppressRate) m.frequency_hz = sample.frequencyHz;
  if (sample.latencyMs !== undefined) m.latency_ms = sample.latencyMs;
  if (sample.dropRatePercent !== undefined) m.drop_rate_percent = sample.dropRatePercent;
  const expected = sample.expectedFrequencyHz ?? t.expectedFrequencyHz;
  const ageSec = Math.max(0, input.nowMono - sample.receivedAt) / 1000;
  if (ageSec > freshnessWindowSec(t, expected) + t.staleGraceSec) {
    m.metrics_status = 'error';
    m.error_reason = 'metrics_stale';
    return { metrics: m, degraded: false };
  }
  m.metrics_status = 'active';
  const ratio = m.frequency_hz !== undefined ? m.frequency_hz / expected : undefined;
  const rateDegraded = ratio !== undefined && ratio < t.degradedFrequencyRatio;
  const dropDegraded = m.drop_rate_percent !== undefined && m.drop_rate_percent > t.dropRatePercentThreshold;
  return { metrics: m, ratio, degraded: rateDegraded || dropDegraded };
}

/** One Function's graph document (the body inside `{"x-medkit-graph": …}`). */
export function buildFunctionGraph(input: BuildInput): GraphDocument {
  const apps = scopedApps(input.fn, input.snapshot);
  const nodes: GraphNodeDoc[] = [];
  const pubs = new Map<string, Set<string>>();
  const subs = new Map<string, Set<string>>();
  const add = (into: Map<string, Set<string>>, topic: string, appId: string) => {
    if (isExcludedTopic(topic)) return;
    let s = into.get(topic);
    if (!s) into.set(topic, (s = new Set()));
    s.add(appId);
  };
  for (const app of apps) {
    const fqn = effectiveFqn(app);
    const live = fqn ? input.live.endpointsOf(fqn) : undefined;
    const reachable = app.is_online || live !== undefined;
    const lastSeen = input.lastSeen(app.id);
    nodes.push({ entity_id: app.id, node_status: reachable ? 'reachable' : 'unreachable', ...(lastSeen ? { last_seen: lastSeen } : {}) });
    for (const t of [...(app.topics?.publishes ?? []), ...(live?.publishes ?? [])]) add(pubs, t, app.id);
    for (const t of [...(app.topics?.subscribes ?? []), ...(live?.subscribes ?? [])]) add(subs, t, app.id);
  }
  // Only topics that connect two scoped Apps become edges; topic ids are positional (sorted names).
  const pairs = (t: string) => [...pubs.get(t)!].some((a) => [...subs.get(t)!].some((b) => a !== b));
  const connecting = [...pubs.keys()].filter((t) => subs.has(t) && pairs(t)).sort();
  const topics = connecting.map((name, i) => ({ topic_id: `topic-${i + 1}`, name }));
  const edges: GraphEdge[] = [];
  let broken = false;
  let degraded = nodes.some((n) => n.node_status === 'unreachable');
  let bottleneck: { id: string; ratio: number } | undefined;
  for (const { topic_id, name } of topics) {
    const judged = judgeEdge(name, input);
    for (const source of [...pubs.get(name)!].sort()) {
      for (const target of [...subs.get(name)!].sort()) {
        if (source === target || edges.length >= MAX_EDGES) continue;
        const edge_id = `edge-${edges.length + 1}`;
        edges.push({ edge_id, source, target, topic_id, transport_type: 'unknown', metrics: { ...judged.metrics } });
        if (judged.metrics.metrics_status === 'error') broken = true;
        if (judged.degraded) degraded = true;
        if (judged.ratio !== undefined && (!bottleneck || judged.ratio < bottleneck.ratio)) bottleneck = { id: edge_id, ratio: judged.ratio };
      }
    }
  }
  const status = broken ? 'broken' : degraded ? 'degraded' : 'healthy';
  return {
    schema_version: GRAPH_SCHEMA_VERSION,
    graph_id: `${input.fn.id}-graph`,
    timestamp: new Date(input.nowWall).toISOString(),
    scope: { type: 'function', entity_id: input.fn.id },
    pipeline_status: status,
    bottleneck_edge: status === 'degraded' && bottleneck ? bottleneck.id : null,
    topics,
    nodes,
    edges,
  };
}

// The whole robot's ROS graph as rqt_graph draws it, read from the REST tree: every online App's topics
// (`GET /apps/{id}/data`, x-medkit.ros2.direction) and services/actions (`/operations`), plus the graph
// watchdog's findings (`GET /x-medkit-watchdog`, docs/graph.md). Pure model, and the fetches that feed it.
import type { MedkitClient } from '@medkit/client';
import { isObj, obj, str, xm } from '../model/json';

/** rqt_graph's default "hide debug": topics every node has, which only clutter the picture. */
const HIDDEN_TOPICS = new Set(['/rosout', '/parameter_events', '/diagnostics', '/tf_static']);

/**
 * Plumbing: topics a reader of the robot's data flow does not follow (an action's own feedback and status topics,
 * medkit's discovery topics, the CLI's). Drawn only when the viewer asks (the graph's "Show plumbing").
 */
export function isPlumbing(name: string): boolean {
  return name.includes('/_action/') || name.startsWith('/ros2_medkit/') || name.startsWith('/_ros2cli');
}

/** Lifecycle services every managed node serves (rqt_graph hides them too); counted, not drawn. */
const LIFECYCLE_SERVICE = /\/(change_state|get_state|get_available_states|get_available_transitions|get_transition_graph)$/;

export interface GraphNode {
  id: string;
  kind: 'node' | 'topic' | 'service' | 'action';
  label: string;
  /** App id for nodes. */
  appId?: string;
  /** ROS FQN of a node, full name of a topic or service. */
  fqn?: string;
  online?: boolean;
  /** Topics: the rate the graph provider measures (Hz), when it has one. */
  rateHz?: number;
  /** Drawn only on request (isPlumbing). */
  plumbing?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface WatchdogFinding {
  code: string;
  severity: number;
  subject: string;
  text: string;
}

export interface RobotGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Findings, absent when the gateway runs no graph watchdog (`why` says). */
  findings?: WatchdogFinding[];
  watchdogNote?: string;
}

export interface AppResources {
  appId: string;
  fqn?: string;
  online: boolean;
  topics: { name: string; direction: 'publish' | 'subscribe' }[];
  services: string[];
  /** Action servers (drawn as actions, not services). */
  actions?: string[];
}

const nodeKey = (appId: string) => `node:${appId}`;
const topicKey = (name: string) => `topic:${name}`;

/** Builds the graph from each App's resources. */
export function buildRobotGraph(apps: AppResources[]): Pick<RobotGraph, 'nodes' | 'edges'> {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  for (const a of apps) {
    nodes.set(nodeKey(a.appId), { id: nodeKey(a.appId), kind: 'node', label: a.appId, appId: a.appId, fqn: a.fqn, online: a.online });
    for (const t of a.topics) {
      if (HIDDEN_TOPICS.has(t.name)) continue;
      const k = topicKey(t.name);
      if (!nodes.has(k)) nodes.set(k, { id: k, kind: 'topic', label: t.name, fqn: t.name, ...(isPlumbing(t.name) ? { plumbing: true } : {}) });
      edges.push(t.direction === 'publish' ? { from: nodeKey(a.appId), to: k } : { from: k, to: nodeKey(a.appId) });
    }
    for (const s of a.services) {
      if (LIFECYCLE_SERVICE.test(s)) continue;
      const k = `service:${s}`;
      if (!nodes.has(k)) nodes.set(k, { id: k, kind: 'service', label: s, fqn: s, ...(isPlumbing(s) ? { plumbing: true } : {}) });
      edges.push({ from: k, to: nodeKey(a.appId) });
    }
    for (const name of a.actions ?? []) {
      const k = `action:${name}`;
      if (!nodes.has(k)) nodes.set(k, { id: k, kind: 'action', label: name, fqn: name });
      edges.push({ from: k, to: nodeKey(a.appId) });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

/** The part of the graph within one topic hop of `appId`: its topics and services, and the nodes on those topics. */
export function neighbourhood(g: Pick<RobotGraph, 'nodes' | 'edges'>, appId: string): Pick<RobotGraph, 'nodes' | 'edges'> {
  const centre = nodeKey(appId);
  const keep = new Set([centre]);
  for (const e of g.edges) {
    if (e.from === centre) keep.add(e.to);
    if (e.to === centre) keep.add(e.from);
  }
  const hubs = [...keep].filter((k) => k.startsWith('topic:'));
  for (const e of g.edges) {
    if (hubs.includes(e.from)) keep.add(e.to);
    if (hubs.includes(e.to)) keep.add(e.from);
  }
  return { nodes: g.nodes.filter((n) => keep.has(n.id)), edges: g.edges.filter((e) => keep.has(e.from) && keep.has(e.to)) };
}

/** Graph elements a finding is about: `topic|node-fqn` subjects name an edge, a bare name a topic or node. */
export function findingTargets(f: WatchdogFinding, g: Pick<RobotGraph, 'nodes'>): { nodeIds: string[]; edge?: GraphEdge } {
  const [a, b] = f.subject.split('|');
  const byFqn = (name: string) => g.nodes.find((n) => n.fqn === name && (n.kind === 'node' || n.kind === 'topic'))?.id;
  if (b !== undefined) {
    const topic = byFqn(a);
    const node = byFqn(b);
    return { nodeIds: [topic, node].filter((x): x is string => !!x), edge: topic && node ? { from: topic, to: node } : undefined };
  }
  const id = byFqn(a);
  return { nodeIds: id ? [id] : [] };
}

/** The findings of a `GET /x-medkit-watchdog` answer. */
export function findingsOf(body: unknown): WatchdogFinding[] {
  const out: WatchdogFinding[] = [];
  for (const d of Object.values(obj(obj(body).detectors))) {
    for (const f of Array.isArray(obj(d).findings) ? (obj(d).findings as unknown[]) : []) {
      if (!isObj(f)) continue;
      out.push({ code: str(f.code) ?? '?', severity: Number(f.severity) || 0, subject: str(f.subject) ?? '', text: str(f.text) ?? '' });
    }
  }
  return out;
}

async function appResources(client: MedkitClient, item: unknown, signal: AbortSignal): Promise<AppResources | undefined> {
  const id = str(obj(item).id);
  if (!id) return undefined;
  const x = xm(item);
  const online = x.is_online === true;
  const fqn = str(obj(x.ros2).node);
  if (!online && !fqn) return undefined;
  const app = { params: { path: { app_id: id } }, signal };
  const [data, ops] = await Promise.all([client.get('/apps/{app_id}/data', app).catch(() => undefined), client.get('/apps/{app_id}/operations', app).catch(() => undefined)]);
  const topics: AppResources['topics'] = [];
  for (const d of Array.isArray(obj(data).items) ? (obj(data).items as unknown[]) : []) {
    const ros = obj(xm(d).ros2);
    const name = str(ros.topic) ?? str(obj(d).name);
    const dir = str(ros.direction);
    if (name && (dir === 'publish' || dir === 'subscribe')) topics.push({ name, direction: dir });
  }
  const services: string[] = [];
  const actions: string[] = [];
  for (const o of Array.isArray(obj(ops).items) ? (obj(ops).items as unknown[]) : []) {
    const ros = obj(xm(o).ros2);
    const action = str(ros.action) ?? (ros.kind === 'action' ? str(ros.service) : undefined);
    const name = str(ros.service);
    if (action) actions.push(action);
    else if (name) services.push(name);
  }
  return { appId: id, fqn, online, topics, services, actions };
}

/** One App of `GET /x-medkit-topology` as the graph needs it (undefined when it has no ROS node). */
function topologyResources(item: unknown): AppResources | undefined {
  const a = obj(item);
  const id = str(a.id);
  if (!id) return undefined;
  const online = a.is_online === true;
  const fqn = str(a.node);
  if (!online && !fqn) return undefined;
  const names = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const topics: AppResources['topics'] = [
    ...names(a.publishes).map((name) => ({ name, direction: 'publish' as const })),
    ...names(a.subscribes).map((name) => ({ name, direction: 'subscribe' as const })),
  ];
  return { appId: id, fqn, online, topics, services: names(a.services), actions: names(a.actions) };
}

/** What the topology read asks for, watched (state/watch.ts): while the watch stream brings them, it is not polled. */
export const TOPOLOGY_PATHS = ['/x-medkit-topology', '/apps'];

/**
 * The nodes, topics and services of every App with a ROS node: `GET /x-medkit-topology` in one read (docs/ui.md);
 * Apps it does not cover (an aggregation peer's) and gateways without it (404) fall back to each App's data and
 * operations lists.
 */
export async function fetchRobotTopology(client: MedkitClient, signal: AbortSignal): Promise<Pick<RobotGraph, 'nodes' | 'edges'>> {
  const [apps, topology] = await Promise.all([client.get('/apps', { signal }), client.get('/x-medkit-topology', { signal }).catch(() => undefined)]);
  const list = Array.isArray(obj(apps).items) ? (obj(apps).items as unknown[]) : [];
  const known = new Map<string, AppResources | undefined>();
  for (const item of Array.isArray(obj(topology).items) ? (obj(topology).items as unknown[]) : []) known.set(str(obj(item).id) ?? '', topologyResources(item));
  const resources = await Promise.all(list.map((i) => {
    const id = str(obj(i).id) ?? '';
    return known.has(id) ? known.get(id) : appResources(client, i, signal);
  }));
  return buildRobotGraph(resources.filter((r): r is AppResources => r !== undefined));
}

/** The graph watchdog's findings, or why there are none (`watchdog`: /health lists graph_watchdog active; its route is not asked otherwise). */
export async function fetchFindings(client: MedkitClient, signal: AbortSignal, watchdog: boolean): Promise<Pick<RobotGraph, 'findings' | 'watchdogNote'>> {
  if (!watchdog) return { watchdogNote: 'This gateway runs no graph watchdog (plugin graph_watchdog), so no findings are drawn.' };
  return client.get('/x-medkit-watchdog', { signal }).then(
    (b) => ({ findings: findingsOf(b) }),
    (err: unknown) => ({ watchdogNote: `Graph watchdog: ${(err as Error).message}` }),
  );
}

/** The topology with each topic's measured rate, where there is one. */
export function withRates(g: Pick<RobotGraph, 'nodes' | 'edges'>, rates: Map<string, number> | undefined): Pick<RobotGraph, 'nodes' | 'edges'> {
  if (!rates || rates.size === 0) return g;
  return { nodes: g.nodes.map((n) => (n.kind === 'topic' && rates.has(n.label) ? { ...n, rateHz: rates.get(n.label) } : n)), edges: g.edges };
}


/**
 * Topic rates from the graph provider's pipeline graphs (`GET /functions/{id}/x-medkit-graph`, docs/graph.md):
 * the measured `frequency_hz` of each edge's topic. Only asked for the Functions given (the provider is on).
 */
export async function fetchTopicRates(client: MedkitClient, functionIds: string[], signal: AbortSignal): Promise<Map<string, number>> {
  return ratesOf(await Promise.all(functionIds.map((id) => client.get('/functions/{function_id}/x-medkit-graph', { signal, params: { path: { function_id: id } } }).catch(() => undefined))));
}

/** The pipeline graph of Function `id` (docs/graph.md). */
export const functionGraphPath = (id: string) => `/functions/${encodeURIComponent(id)}/x-medkit-graph`;

/** Topic name → measured rate, from pipeline graph answers (undefined entries skipped). */
export function ratesOf(graphs: unknown[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const body of graphs) {
    const g = obj(obj(body)['x-medkit-graph']);
    const names = new Map<string, string>();
    for (const t of Array.isArray(g.topics) ? g.topics : []) if (isObj(t) && str(t.topic_id) && str(t.name)) names.set(str(t.topic_id)!, str(t.name)!);
    for (const e of Array.isArray(g.edges) ? g.edges : []) {
      if (!isObj(e)) continue;
      const hz = obj(e.metrics).frequency_hz;
      const name = names.get(str(e.topic_id) ?? '');
      if (name && typeof hz === 'number') out.set(name, hz);
    }
  }
  return out;
}

/** The graph without its plumbing (isPlumbing) and the edges to it; `hidden` counts what was left out. */
export function withoutPlumbing(g: Pick<RobotGraph, 'nodes' | 'edges'>): Pick<RobotGraph, 'nodes' | 'edges'> & { hidden: number } {
  const gone = new Set(g.nodes.filter((n) => n.plumbing).map((n) => n.id));
  if (gone.size === 0) return { ...g, hidden: 0 };
  return { nodes: g.nodes.filter((n) => !gone.has(n.id)), edges: g.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)), hidden: gone.size };
}

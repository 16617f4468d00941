// The part of the ROS graph the detectors read, taken once per tick and bounded: at most `maxTopics` topics
// (by name) and `maxEndpoints` publishers and subscribers per topic, so a flood of peers costs a fixed amount.
import type { QoS } from '@medkit/rtps';
import type { PluginRosGraph } from '@medkit/plugin-api';

interface EndpointView {
  /** Owning node FQN. */
  node: string;
  guid: string;
  qos: QoS;
}

interface TopicView {
  name: string;
  publishers: EndpointView[];
  subscribers: EndpointView[];
}

export interface NodeView {
  fqn: string;
  /** Services the node serves (names). */
  services: string[];
}

export interface Topology {
  nodes: NodeView[];
  topics: TopicView[];
  /** True when topics or endpoints were left out by the bounds. */
  truncated: boolean;
  /** True when nodes were left out (`maxNodes`): a node missing from `nodes` may still be in the graph. */
  nodesTruncated?: boolean;
}

export interface TopologyLimits {
  maxTopics: number;
  maxEndpoints: number;
  /** Nodes considered at most. */
  maxNodes: number;
}

/** Names longer than this are ignored (ROS names are short; a peer could announce megabytes). */
const MAX_NAME = 256;

export function takeTopology(graph: Pick<PluginRosGraph, 'nodes'>, limits: TopologyLimits): Topology {
  let truncated = false;
  const all = graph.nodes();
  const nodesTruncated = all.length > limits.maxNodes;
  if (nodesTruncated) truncated = true;
  const nodes = all.slice(0, limits.maxNodes);
  const topics = new Map<string, TopicView>();
  const side = (name: string, which: 'publishers' | 'subscribers', e: EndpointView) => {
    if (name.length > MAX_NAME) return;
    let t = topics.get(name);
    if (!t) topics.set(name, (t = { name, publishers: [], subscribers: [] }));
    if (t[which].length >= limits.maxEndpoints) truncated = true;
    else t[which].push(e);
  };
  for (const n of nodes) {
    for (const e of n.publishers) if (e.role === 'topic') side(e.rosName, 'publishers', { node: n.fqn, guid: e.guid, qos: e.qos });
    for (const e of n.subscriptions) if (e.role === 'topic') side(e.rosName, 'subscribers', { node: n.fqn, guid: e.guid, qos: e.qos });
  }
  let list = [...topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (list.length > limits.maxTopics) {
    truncated = true;
    list = list.slice(0, limits.maxTopics);
  }
  return { nodes: nodes.filter((n) => n.fqn.length <= MAX_NAME).map((n) => ({ fqn: n.fqn, services: n.serviceServers.map((s) => s.name) })), topics: list, truncated, nodesTruncated };
}

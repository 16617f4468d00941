// Lays a robot graph out left to right with dagre (layered, crossing-reduced, as rqt_graph's dot does). Pure.
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from './robot-graph';

export interface Placed {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

const CHAR_W = 6.6;

/** Box size of a graph element: nodes are boxes, topics and services pills, sized to their label. */
export function boxOf(n: GraphNode): { w: number; h: number } {
  const chars = n.label.length + (n.rateHz !== undefined ? 9 : 0);
  return { w: Math.min(300, Math.max(70, chars * CHAR_W + 20)), h: n.kind === 'node' ? 34 : 24 };
}

export function layoutDagre(nodes: GraphNode[], edges: GraphEdge[]): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 48, edgesep: 8, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const { w, h } = boxOf(n);
    g.setNode(n.id, { width: w, height: h });
  }
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const placed = new Map<string, Placed>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    placed.set(id, { id, x: n.x - n.width / 2, y: n.y - n.height / 2, w: n.width, h: n.height });
  }
  const laid = g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) }));
  const graph = g.graph();
  return { nodes: placed, edges: laid, width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0) };
}

// Left-to-right layered layout of a pipeline graph: a node's column is the longest publisher chain leading to
// it (cycles are cut by visiting each node once), rows in first-seen order. Pure, for the SVG view.

interface LaidOutNode {
  id: string;
  x: number;
  y: number;
}

export const NODE_W = 150;
export const NODE_H = 40;
const GAP_X = 90;
const GAP_Y = 30;

export function layoutGraph(nodeIds: string[], edges: { source: string; target: string }[]): { nodes: Map<string, LaidOutNode>; width: number; height: number } {
  const column = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  // Bellman-Ford style relaxation, at most |nodes| rounds, so a cycle cannot loop forever.
  for (let round = 0; round < nodeIds.length; round++) {
    let changed = false;
    for (const e of edges) {
      const c = (column.get(e.source) ?? 0) + 1;
      if (column.has(e.target) && c > column.get(e.target)! && c < nodeIds.length) {
        column.set(e.target, c);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const nodes = new Map<string, LaidOutNode>();
  for (const id of nodeIds) {
    const col = column.get(id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    nodes.set(id, { id, x: 10 + col * (NODE_W + GAP_X), y: 10 + row * (NODE_H + GAP_Y) });
  }
  const cols = Math.max(1, ...[...column.values()].map((c) => c + 1));
  const maxRows = Math.max(1, ...rows.values());
  return { nodes, width: 20 + cols * NODE_W + (cols - 1) * GAP_X, height: 20 + maxRows * NODE_H + (maxRows - 1) * GAP_Y };
}

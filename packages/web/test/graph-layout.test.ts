// The robot graph's layered layout (graph/layered-layout.ts) and the scale its box opens at: publishers left
// of their topics and subscribers right of them, no two boxes overlapping on a Nav2-sized robot (30 nodes,
// 100 topics, with cycles), every edge from its source's box to its target's.
import { describe, expect, it } from 'vitest';
import { buildRobotGraph, type AppResources, type GraphEdge, type GraphNode } from '../src/graph/robot-graph';
import { bestLayout, layoutGraph, type Layout, type Placed } from '../src/graph/layered-layout';
import { MIN_FIT, openingScale, wholeScale } from '../src/graph/graph-viewport';

/** 30 nodes, 100 topics (one publisher, one or two subscribers each), a service per node: cycles abound. */
function nav2Sized(): AppResources[] {
  const apps: AppResources[] = Array.from({ length: 30 }, (_, i) => ({ appId: `node_${i}`, fqn: `/ns${i % 5}/node_${i}`, online: true, topics: [], services: [`/ns${i % 5}/node_${i}/srv`] }));
  for (let t = 0; t < 100; t++) {
    apps[t % 30].topics.push({ name: `/topic_${t}`, direction: 'publish' });
    apps[(t * 7 + 3) % 30].topics.push({ name: `/topic_${t}`, direction: 'subscribe' });
    if (t % 3 === 0) apps[(t * 11 + 5) % 30].topics.push({ name: `/topic_${t}`, direction: 'subscribe' });
  }
  return apps;
}

const overlap = (a: Placed, b: Placed) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function expectSound(nodes: GraphNode[], edges: GraphEdge[], l: Layout) {
  expect([...l.nodes.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
  const boxes = [...l.nodes.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j]), `${boxes[i].id} / ${boxes[j].id}`).toBe(false);
  }
  for (const b of boxes) {
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.w).toBeLessThanOrEqual(l.width);
    expect(b.y + b.h).toBeLessThanOrEqual(l.height);
  }
  expect(l.edges).toHaveLength(edges.length);
  // Each edge starts on its source's left or right side and ends on its target's.
  const onSide = (p: { x: number; y: number }, b: Placed) => (Math.abs(p.x - b.x) < 0.01 || Math.abs(p.x - b.x - b.w) < 0.01) && Math.abs(p.y - (b.y + b.h / 2)) < 0.01;
  for (const e of l.edges) {
    expect(onSide(e.points[0], l.nodes.get(e.from)!), `${e.from} → ${e.to} start`).toBe(true);
    expect(onSide(e.points.at(-1)!, l.nodes.get(e.to)!), `${e.from} → ${e.to} end`).toBe(true);
  }
}

describe('layered graph layout', () => {
  it('draws a pipeline left to right: publisher, topic, subscriber; a service just before its server', () => {
    const g = buildRobotGraph([
      { appId: 'lidar', online: true, topics: [{ name: '/scan', direction: 'publish' }], services: [] },
      { appId: 'filter', online: true, topics: [{ name: '/scan', direction: 'subscribe' }, { name: '/scan_filtered', direction: 'publish' }], services: ['/filter/reset'] },
      { appId: 'costmap', online: true, topics: [{ name: '/scan_filtered', direction: 'subscribe' }], services: [] },
    ]);
    const l = layoutGraph(g.nodes, g.edges);
    expectSound(g.nodes, g.edges, l);
    const x = (id: string) => l.nodes.get(id)!.x;
    expect(x('node:lidar')).toBeLessThan(x('topic:/scan'));
    expect(x('topic:/scan')).toBeLessThan(x('node:filter'));
    expect(x('node:filter')).toBeLessThan(x('topic:/scan_filtered'));
    expect(x('topic:/scan_filtered')).toBeLessThan(x('node:costmap'));
    expect(x('service:/filter/reset')).toBeLessThan(x('node:filter'));
    expect(x('service:/filter/reset')).toBeGreaterThan(x('node:lidar'));
  });

  it('lays out a cycle (a node on both ends of a topic, a feedback loop) with every edge drawn in its own direction', () => {
    const nodes: GraphNode[] = ['a', 'b', 'c'].map((id) => ({ id, kind: 'node', label: id }));
    const edges: GraphEdge[] = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
      { from: 'b', to: 'a' },
      { from: 'a', to: 'a' },
    ];
    const l = layoutGraph(nodes, edges);
    expectSound(nodes, edges.slice(0, 4), { ...l, edges: l.edges });
    const back = l.edges.find((e) => e.from === 'c' && e.to === 'a')!;
    expect(back.points[0].x).toBeCloseTo(l.nodes.get('c')!.x); // leaves c on its left, towards a
  });

  it('keeps a Nav2-sized robot (30 nodes, 100 topics, 30 services) free of overlaps and about as tall as it is wide', () => {
    const g = buildRobotGraph(nav2Sized());
    const l = layoutGraph(g.nodes, g.edges);
    expectSound(g.nodes, g.edges, l);
    // dagre drew this robot 1.8 × 3.1 thousand px: a column of 80 boxes with long edges between.
    expect(l.height).toBeLessThan(1.2 * l.width);
  });

  it('opens a wide graph fitted to its box, but not below a readable scale; "whole graph" shows all of it', () => {
    expect(openingScale(600, 900)).toBe(1);
    expect(openingScale(1200, 900)).toBeCloseTo(0.75);
    expect(openingScale(4000, 900)).toBe(MIN_FIT);
    expect(wholeScale({ width: 4000, height: 1000 }, { width: 800, height: 600 })).toBeCloseTo(0.2);
    expect(wholeScale({ width: 400, height: 300 }, { width: 800, height: 600 })).toBe(1);
  });
});

describe('layered graph layout, top to bottom', () => {
  /** The same checks as expectSound with the layers running down: edges leave a box's top or bottom side. */
  function expectSoundDown(nodes: GraphNode[], edges: GraphEdge[], l: Layout) {
    const boxes = [...l.nodes.values()];
    expect(boxes).toHaveLength(nodes.length);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j]), `${boxes[i].id} / ${boxes[j].id}`).toBe(false);
    }
    for (const b of boxes) expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= l.width && b.y + b.h <= l.height, b.id).toBe(true);
    expect(l.edges).toHaveLength(edges.length);
    const onSide = (p: { x: number; y: number }, b: Placed) => (Math.abs(p.y - b.y) < 0.01 || Math.abs(p.y - b.y - b.h) < 0.01) && Math.abs(p.x - (b.x + b.w / 2)) < 0.01;
    for (const e of l.edges) {
      expect(onSide(e.points[0], l.nodes.get(e.from)!), `${e.from} → ${e.to} start`).toBe(true);
      expect(onSide(e.points.at(-1)!, l.nodes.get(e.to)!), `${e.from} → ${e.to} end`).toBe(true);
    }
  }

  it('turns the same layers downwards, boxes keeping their own width (labels read across)', () => {
    const g = buildRobotGraph(nav2Sized());
    const lr = layoutGraph(g.nodes, g.edges, 'LR');
    const tb = layoutGraph(g.nodes, g.edges, 'TB');
    expect(tb.direction).toBe('TB');
    expectSoundDown(g.nodes, g.edges, tb);
    for (const [id, b] of tb.nodes) expect([b.w, b.h], id).toEqual([lr.nodes.get(id)!.w, lr.nodes.get(id)!.h]);
    const y = (id: string) => tb.nodes.get(id)!.y;
    const chain = buildRobotGraph([
      { appId: 'lidar', online: true, topics: [{ name: '/scan', direction: 'publish' }], services: [] },
      { appId: 'filter', online: true, topics: [{ name: '/scan', direction: 'subscribe' }], services: [] },
    ]);
    const down = layoutGraph(chain.nodes, chain.edges, 'TB');
    expect(down.nodes.get('node:lidar')!.y).toBeLessThan(down.nodes.get('topic:/scan')!.y);
    expect(down.nodes.get('topic:/scan')!.y).toBeLessThan(down.nodes.get('node:filter')!.y);
    expect(y('node:node_0')).toBeGreaterThanOrEqual(0);
  });

  it('picks the direction that shows a long pipeline largest in the room it gets', () => {
    const apps: AppResources[] = Array.from({ length: 12 }, (_, i) => ({
      appId: `stage_${i}`,
      online: true,
      topics: [...(i > 0 ? [{ name: `/t${i - 1}`, direction: 'subscribe' as const }] : []), { name: `/t${i}`, direction: 'publish' as const }],
      services: [],
    }));
    const g = buildRobotGraph(apps);
    expect(bestLayout(g.nodes, g.edges, { width: 900, height: 1400 }).direction).toBe('TB');
    expect(bestLayout(g.nodes, g.edges, { width: 3000, height: 400 }).direction).toBe('LR');
  });
});

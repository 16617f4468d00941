// A robot graph drawn as SVG: ROS nodes as boxes coloured by their worst active fault, topics as pills,
// services as dashed pills, actions as double-bordered pills, publisher → topic → subscriber arrows; the graph
// watchdog's findings in red on their edge and nodes, with the finding's text as the element's tooltip. Every
// ROS node is one link (one Tab stop) named by its <title> and text, so screen readers can walk the graph.
// Pointing at or focusing a box fades what is not connected to it, so one node's topics can be followed through
// a dense graph. Plumbing (action feedback/status, discovery topics) is hidden until asked for. Colours come from
// the stylesheet (.robot-graph rules), so the dark theme covers the graph.
import { useMemo, useState } from 'preact/hooks';
import type { Severity } from '../model/severity';
import { routeHash } from '../model/route';
import { findingTargets, withoutPlumbing, type GraphEdge, type GraphNode, type WatchdogFinding } from './robot-graph';
import { bestLayout, type Direction } from './layered-layout';
import { GraphViewport } from './graph-viewport';

interface GraphViewProps {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Worst active fault per App id. */
  worst?: Map<string, Severity>;
  findings?: WatchdogFinding[];
  /** App id drawn emphasised (the faulting node of an incident). */
  centre?: string;
  label: string;
  testId?: string;
}

const edgeKey = (e: { from: string; to: string }) => `${e.from}→${e.to}`;

/** A smooth path through the points, leaving and entering each one along the direction the layers run. */
function curve(points: { x: number; y: number }[], direction: Direction): string {
  let d = `M${points[0].x.toFixed(1)},${points[0].y.toFixed(1)}`;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    if (direction === 'LR') {
      const mx = ((a.x + b.x) / 2).toFixed(1);
      d += ` C${mx},${a.y.toFixed(1)} ${mx},${b.y.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
    } else {
      const my = ((a.y + b.y) / 2).toFixed(1);
      d += ` C${a.x.toFixed(1)},${my} ${b.x.toFixed(1)},${my} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
    }
  }
  return d;
}

/** The room the graph gets: the window less the entity tree beside it and the page above it (an estimate). */
const graphRoom = () => ({ width: Math.max(320, window.innerWidth - 360), height: Math.max(320, window.innerHeight - 150) });

const KIND_TEXT: Record<GraphNode['kind'], string> = { node: 'node', topic: 'topic', service: 'service', action: 'action' };

export function GraphView({ nodes: allNodes, edges: allEdges, worst, findings = [], centre, label, testId = 'robot-graph' }: GraphViewProps) {
  const [showPlumbing, setShowPlumbing] = useState(false);
  const shown = useMemo(() => (showPlumbing ? { nodes: allNodes, edges: allEdges, hidden: 0 } : withoutPlumbing({ nodes: allNodes, edges: allEdges })), [allNodes, allEdges, showPlumbing]);
  const plumbing = useMemo(() => allNodes.filter((n) => n.plumbing).length, [allNodes]);
  const { nodes, edges } = shown;
  const layout = useMemo(() => (nodes.length > 0 ? bestLayout(nodes, edges, graphRoom()) : undefined), [nodes, edges]);
  const [focus, setFocus] = useState<string>();
  const near = useMemo(() => {
    if (!focus) return undefined;
    const ids = new Set([focus]);
    for (const e of edges) if (e.from === focus || e.to === focus) ids.add(e.from === focus ? e.to : e.from);
    return ids;
  }, [focus, edges]);
  const flagged = useMemo(() => {
    const onNode = new Map<string, WatchdogFinding[]>();
    const onEdge = new Map<string, WatchdogFinding[]>();
    for (const f of findings) {
      const t = findingTargets(f, { nodes });
      if (t.edge) onEdge.set(edgeKey(t.edge), [...(onEdge.get(edgeKey(t.edge)) ?? []), f]);
      else for (const id of t.nodeIds) onNode.set(id, [...(onNode.get(id) ?? []), f]);
    }
    return { onNode, onEdge };
  }, [findings, nodes]);
  if (!layout) return <p class="muted">No ROS nodes online.</p>;
  const toggle =
    plumbing > 0 ? (
      <label class="small" data-testid="graph-plumbing">
        <input type="checkbox" checked={showPlumbing} onChange={(e) => setShowPlumbing((e.target as HTMLInputElement).checked)} /> Show plumbing ({plumbing} action
        feedback/status and discovery {plumbing === 1 ? 'topic' : 'topics'})
      </label>
    ) : undefined;
  return (
    <GraphViewport width={layout.width} height={layout.height} label={label} tools={toggle}>
      {(scale) => (
      <svg class={`robot-graph${focus ? ' focusing' : ''}`} data-testid={testId} data-direction={layout.direction} role="group" aria-label={label} width={Math.ceil(layout.width * scale)} height={Math.ceil(layout.height * scale)} viewBox={`0 0 ${layout.width} ${layout.height}`}>
        <defs>
          <marker id={`${testId}-arrow`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const bad = flagged.onEdge.get(edgeKey(e));
          const d = curve(e.points, layout.direction);
          const touches = focus !== undefined && (e.from === focus || e.to === focus);
          return (
            <g key={edgeKey(e)} class={`graph-edge${bad ? ' finding' : ''}${focus && !touches ? ' dim' : ''}`} data-from={e.from} data-to={e.to} data-finding={bad?.map((f) => f.code).join(' ')}>
              {bad && <title>{bad.map((f) => `${f.code}: ${f.text}`).join('\n')}</title>}
              <path d={d} fill="none" marker-end={`url(#${testId}-arrow)`} />
            </g>
          );
        })}
        {nodes.map((n) => {
          const p = layout.nodes.get(n.id);
          if (!p) return null;
          const sev = n.appId ? worst?.get(n.appId) : undefined;
          const bad = flagged.onNode.get(n.id);
          const name = `${KIND_TEXT[n.kind]} ${n.fqn ?? n.label}${n.rateHz !== undefined ? ` at ${n.rateHz.toFixed(1)} Hz` : ''}${sev ? `, worst active fault ${sev.label}` : ''}${bad ? `, watchdog: ${bad.map((f) => f.code).join(', ')}` : ''}`;
          // Severity and state as classes: the stylesheet colours them (light and dark).
          const look = [`box-${n.kind}`, sev ? sev.css : '', n.kind === 'node' && n.online === false ? 'offline' : '', bad ? 'finding' : '', n.appId !== undefined && n.appId === centre ? 'centre' : ''].filter(Boolean).join(' ');
          const box = (
            <>
              <title>{[name, ...(bad ?? []).map((f) => f.text)].join('\n')}</title>
              <rect class={look} x={p.x} y={p.y} width={p.w} height={p.h} rx={n.kind === 'node' ? 5 : p.h / 2} />
              {n.kind === 'action' && <rect class="box-action-inner" x={p.x + 3} y={p.y + 3} width={p.w - 6} height={p.h - 6} rx={(p.h - 6) / 2} />}
              <text class={look} x={p.x + p.w / 2} y={p.y + p.h / 2 + 4} font-size={n.kind === 'node' ? 12 : 11} text-anchor="middle">
                {n.label}
                {n.rateHz !== undefined && <tspan class="rate"> {n.rateHz.toFixed(1)} Hz</tspan>}
              </text>
            </>
          );
          return (
            <g
              key={n.id}
              class={`graph-${n.kind}${near && !near.has(n.id) ? ' dim' : ''}`}
              onMouseEnter={() => setFocus(n.id)}
              onMouseLeave={() => setFocus(undefined)}
              data-node={n.id} data-severity={sev?.label} data-finding={bad?.map((f) => f.code).join(' ')}>
              {/* Focus listeners on the link only: Chromium makes an SVG element that has them a Tab stop of its own. */}
              {n.appId ? (
                <a href={routeHash({ view: 'entity', type: 'app', id: n.appId })} aria-label={name} onFocus={() => setFocus(n.id)} onBlur={() => setFocus(undefined)}>
                  {box}
                </a>
              ) : (
                box
              )}
            </g>
          );
        })}
      </svg>
      )}
    </GraphViewport>
  );
}

// A robot graph drawn as SVG: ROS nodes as boxes coloured by their worst active fault, topics as pills,
// services as dashed pills, publisher → topic → subscriber arrows; the graph watchdog's findings in red on
// their edge and nodes, with the finding's text as the element's tooltip. Every node is a link (keyboard
// focusable) named by its <title> and text, so screen readers can walk the graph. Pointing at or focusing a
// box fades what is not connected to it, so one node's topics can be followed through a dense graph.
import { useMemo, useState } from 'preact/hooks';
import type { Severity } from '../model/severity';
import { routeHash } from '../model/route';
import { findingTargets, type GraphEdge, type GraphNode, type WatchdogFinding } from './robot-graph';
import { layoutGraph } from './layered-layout';
import { GraphViewport } from './graph-viewport';

const FILL: Record<string, string> = { 'sev-critical': '#7a1410', 'sev-error': '#fde0dd', 'sev-warning': '#fff1c7', 'sev-info': '#e3ecf7' };
const TEXT: Record<string, string> = { 'sev-critical': '#ffffff' };

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

/** A smooth path through the points, leaving and entering each one horizontally (as the layers run). */
function curve(points: { x: number; y: number }[]): string {
  let d = `M${points[0].x.toFixed(1)},${points[0].y.toFixed(1)}`;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    const mx = ((a.x + b.x) / 2).toFixed(1);
    d += ` C${mx},${a.y.toFixed(1)} ${mx},${b.y.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
  }
  return d;
}

export function GraphView({ nodes, edges, worst, findings = [], centre, label, testId = 'robot-graph' }: GraphViewProps) {
  const layout = useMemo(() => (nodes.length > 0 ? layoutGraph(nodes, edges) : undefined), [nodes, edges]);
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
  return (
    <GraphViewport width={layout.width} height={layout.height} label={label}>
      {(scale) => (
      <svg class={`robot-graph${focus ? ' focusing' : ''}`} data-testid={testId} role="group" aria-label={label} width={Math.ceil(layout.width * scale)} height={Math.ceil(layout.height * scale)} viewBox={`0 0 ${layout.width} ${layout.height}`}>
        <defs>
          <marker id={`${testId}-arrow`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const bad = flagged.onEdge.get(edgeKey(e));
          const d = curve(e.points);
          const touches = focus !== undefined && (e.from === focus || e.to === focus);
          return (
            <g key={edgeKey(e)} class={`graph-edge${bad ? ' finding' : ''}${focus && !touches ? ' dim' : ''}`} data-from={e.from} data-to={e.to} data-finding={bad?.map((f) => f.code).join(' ')}>
              {bad && <title>{bad.map((f) => `${f.code}: ${f.text}`).join('\n')}</title>}
              <path d={d} fill="none" stroke={bad ? '#cf222e' : '#8c959f'} stroke-width={bad ? 2.5 : 1.2} stroke-dasharray={bad ? '6 3' : undefined} marker-end={`url(#${testId}-arrow)`} />
            </g>
          );
        })}
        {nodes.map((n) => {
          const p = layout.nodes.get(n.id);
          if (!p) return null;
          const sev = n.appId ? worst?.get(n.appId) : undefined;
          const bad = flagged.onNode.get(n.id);
          const name = `${n.kind === 'node' ? 'node' : n.kind} ${n.fqn ?? n.label}${n.rateHz !== undefined ? ` at ${n.rateHz.toFixed(1)} Hz` : ''}${sev ? `, worst active fault ${sev.label}` : ''}${bad ? `, watchdog: ${bad.map((f) => f.code).join(', ')}` : ''}`;
          const box = (
            <>
              <title>{[name, ...(bad ?? []).map((f) => f.text)].join('\n')}</title>
              <rect
                x={p.x}
                y={p.y}
                width={p.w}
                height={p.h}
                rx={n.kind === 'node' ? 5 : p.h / 2}
                fill={n.kind === 'node' ? (sev ? FILL[sev.css] ?? '#ddf4ff' : n.online === false ? '#eaeef2' : '#ddf4ff') : '#ffffff'}
                stroke={bad ? '#cf222e' : n.appId === centre ? '#0a3069' : n.kind === 'node' ? '#0969da' : '#8c959f'}
                stroke-width={bad || n.appId === centre ? 2.5 : 1}
                stroke-dasharray={n.kind === 'service' ? '4 3' : undefined}
              />
              <text x={p.x + p.w / 2} y={p.y + p.h / 2 + 4} font-size={n.kind === 'node' ? 12 : 11} text-anchor="middle" fill={sev ? TEXT[sev.css] ?? '#1f2328' : '#1f2328'}>
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
              onFocusIn={() => setFocus(n.id)}
              onFocusOut={() => setFocus(undefined)}
              data-node={n.id} data-severity={sev?.label} data-finding={bad?.map((f) => f.code).join(' ')}>
              {n.appId ? (
                <a href={routeHash({ view: 'entity', type: 'app', id: n.appId })} aria-label={name}>
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

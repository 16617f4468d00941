// A robot graph drawn as SVG: ROS nodes as boxes coloured by their worst active fault, topics as pills,
// services as dashed pills, publisher → topic → subscriber arrows; the graph watchdog's findings in red on
// their edge and nodes, with the finding's text as the element's tooltip. Every node is a link (keyboard
// focusable) named by its <title> and text, so screen readers can walk the graph.
import { useMemo } from 'preact/hooks';
import type { Severity } from '../model/severity';
import { routeHash } from '../model/route';
import { findingTargets, type GraphEdge, type GraphNode, type WatchdogFinding } from './robot-graph';
import { useModule } from '../ui/lazy';

const loadLayout = () => import('./dagre-layout');

/** Starts loading the layout code ahead of the graph's data (the overview calls it when it mounts). */
export function preloadGraphLayout(): void {
  void loadLayout().catch(() => undefined);
}

const FILL: Record<string, string> = { 'sev-critical': '#7a1410', 'sev-error': '#fde0dd', 'sev-warning': '#fff1c7', 'sev-info': '#e3ecf7' };
const TEXT: Record<string, string> = { 'sev-critical': '#ffffff' };

export interface GraphViewProps {
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

export function GraphView({ nodes, edges, worst, findings = [], centre, label, testId = 'robot-graph' }: GraphViewProps) {
  const dagre = useModule(loadLayout);
  const layout = useMemo(() => dagre?.layoutDagre(nodes, edges), [dagre, nodes, edges]);
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
  if (nodes.length === 0) return <p class="muted">No ROS nodes online.</p>;
  if (!layout) return <p class="muted">Laying out the graph…</p>;
  return (
    <div class="graph-scroll">
      <svg class="robot-graph" data-testid={testId} role="group" aria-label={label} width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`}>
        <defs>
          <marker id={`${testId}-arrow`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const bad = flagged.onEdge.get(edgeKey(e));
          const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
          return (
            <g key={edgeKey(e)} class={bad ? 'graph-edge finding' : 'graph-edge'} data-from={e.from} data-to={e.to} data-finding={bad?.map((f) => f.code).join(' ')}>
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
            <g key={n.id} class={`graph-${n.kind}`} data-node={n.id} data-severity={sev?.label} data-finding={bad?.map((f) => f.code).join(' ')}>
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
    </div>
  );
}

// The pipeline graph of a Function (graph_provider plugin): its Apps as boxes (grey when unreachable), the
// topics between them as arrows coloured by metrics status (pending / active / stale, red when degraded), and
// the pipeline status. Polls every 2 s; the data comes from graph-fetch.ts only.
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote } from '../errors';
import { fetchFunctionGraph, type FunctionGraph } from './graph-fetch';
import { layoutGraph, NODE_H, NODE_W } from './graph-layout';

const STATUS_COLOR: Record<FunctionGraph['pipeline_status'], string> = { healthy: '#1a7f37', degraded: '#b26a00', broken: '#cf222e' };
const EDGE_COLOR: Record<string, string> = { pending: '#8c959f', active: '#1a7f37', error: '#cf222e' };

function edgeLabel(topic: string, m: FunctionGraph['edges'][number]['metrics']): string {
  const parts = [topic];
  if (m.frequency_hz !== undefined) parts.push(`${m.frequency_hz.toFixed(1)} Hz`);
  if (m.metrics_status === 'error') parts.push('stale');
  else if (m.metrics_status === 'pending') parts.push('no metrics');
  return parts.join(' · ');
}

export function FunctionGraphPanel({ id }: { id: string }) {
  const { client } = useApp();
  const graph = usePoll((signal) => fetchFunctionGraph(client, id, signal), [client, id], 2000);
  if (graph.error && !graph.data) return <ErrorNote error={graph.error} />;
  const g = graph.data;
  if (!g) return <p class="muted">Loading pipeline graph…</p>;
  const topics = new Map(g.topics.map((t) => [t.topic_id, t.name]));
  const layout = layoutGraph(g.nodes.map((n) => n.entity_id), g.edges);
  return (
    <section class="function-graph" data-testid="function-graph" data-pipeline-status={g.pipeline_status}>
      <h2>
        Pipeline graph{' '}
        <span class="badge" data-testid="pipeline-status" style={{ background: STATUS_COLOR[g.pipeline_status], color: '#fff' }}>
          {g.pipeline_status}
        </span>
      </h2>
      {g.nodes.length === 0 ? (
        <p class="muted">This Function hosts no Apps.</p>
      ) : (
        <svg role="img" aria-label={`Pipeline graph of ${id}`} width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} style={{ maxWidth: '100%', height: 'auto' }}>
          <defs>
            <marker id="graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
            </marker>
          </defs>
          {g.edges.map((e) => {
            const a = layout.nodes.get(e.source);
            const b = layout.nodes.get(e.target);
            if (!a || !b) return null;
            const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2];
            const bottleneck = g.bottleneck_edge === e.edge_id;
            return (
              <g key={e.edge_id} data-edge={e.edge_id} data-topic={topics.get(e.topic_id)} data-metrics-status={e.metrics.metrics_status}>
                <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={bottleneck ? '#b26a00' : EDGE_COLOR[e.metrics.metrics_status]} stroke-width={bottleneck ? 3 : 1.5} marker-end="url(#graph-arrow)" />
                {/* Near the target end so the labels of a fan-out do not pile up at the source. */}
                <text x={x1 + (x2 - x1) * 0.62} y={y1 + (y2 - y1) * 0.62 - 4} font-size="10" text-anchor="middle" fill="#57606a">
                  {edgeLabel(topics.get(e.topic_id) ?? e.topic_id, e.metrics)}
                </text>
              </g>
            );
          })}
          {g.nodes.map((n) => {
            const p = layout.nodes.get(n.entity_id)!;
            const up = n.node_status === 'reachable';
            return (
              <g key={n.entity_id} data-node={n.entity_id} data-node-status={n.node_status}>
                <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx="6" fill={up ? '#ddf4ff' : '#eaeef2'} stroke={up ? '#0969da' : '#8c959f'} />
                <text x={p.x + NODE_W / 2} y={p.y + NODE_H / 2 + 4} font-size="12" text-anchor="middle" fill={up ? '#0a3069' : '#57606a'}>
                  {n.entity_id}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <p class="muted">
        {g.edges.length} edge{g.edges.length === 1 ? '' : 's'} over {g.topics.length} topic{g.topics.length === 1 ? '' : 's'}; updated {new Date(g.timestamp).toLocaleTimeString()}
      </p>
    </section>
  );
}

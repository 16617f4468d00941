// The one place the graph panel talks to the gateway: `GET /functions/{id}/x-medkit-graph` (graph_provider
// plugin, docs/graph.md). Kept alone so the fetch layer can be swapped without touching the view.
import type { MedkitClient } from '@medkit/client';

interface GraphEdgeMetrics {
  source?: string;
  publisher_count: number;
  rate_ambiguous?: boolean;
  frequency_hz?: number;
  latency_ms?: number;
  drop_rate_percent?: number;
  metrics_status: 'pending' | 'active' | 'error';
  error_reason?: string;
}

export interface FunctionGraph {
  graph_id: string;
  timestamp: string;
  pipeline_status: 'healthy' | 'degraded' | 'broken';
  bottleneck_edge: string | null;
  topics: { topic_id: string; name: string }[];
  nodes: { entity_id: string; node_status: 'reachable' | 'unreachable'; last_seen?: string }[];
  edges: { edge_id: string; source: string; target: string; topic_id: string; metrics: GraphEdgeMetrics }[];
}

export async function fetchFunctionGraph(client: MedkitClient, functionId: string, signal: AbortSignal): Promise<FunctionGraph> {
  const body = await client.read<{ 'x-medkit-graph': FunctionGraph }>(`/functions/${encodeURIComponent(functionId)}/x-medkit-graph`, { signal });
  return body['x-medkit-graph'];
}

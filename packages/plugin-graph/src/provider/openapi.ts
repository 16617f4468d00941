// The OpenAPI fragment of the graph provider's route (docs/plugins.md describe_plugin_routes, docs/graph.md). Every
// field build.ts always sends is `required`: the typed client's types come from this fragment.
import { GENERIC_ERROR_RESPONSE as error } from '@medkit/plugin-api';

const metrics = {
  type: 'object',
  required: ['publisher_count', 'metrics_status'],
  properties: {
    source: { type: 'string', description: 'Node that published the last /diagnostics sample (omitted when not attributable)' },
    publisher_count: { type: 'integer', minimum: 0 },
    rate_ambiguous: { type: 'boolean', const: true },
    frequency_hz: { type: 'number' },
    latency_ms: { type: 'number' },
    drop_rate_percent: { type: 'number' },
    metrics_status: { type: 'string', enum: ['pending', 'active', 'error'] },
    error_reason: { type: 'string', enum: ['metrics_stale'] },
  },
};

const graph = {
  type: 'object',
  required: ['schema_version', 'graph_id', 'timestamp', 'scope', 'pipeline_status', 'bottleneck_edge', 'topics', 'nodes', 'edges'],
  properties: {
    schema_version: { type: 'string', example: '2.0.0' },
    graph_id: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    scope: { type: 'object', required: ['type', 'entity_id'], properties: { type: { type: 'string', const: 'function' }, entity_id: { type: 'string' } } },
    pipeline_status: { type: 'string', enum: ['healthy', 'degraded', 'broken'] },
    bottleneck_edge: { type: ['string', 'null'] },
    topics: { type: 'array', items: { type: 'object', required: ['topic_id', 'name'], properties: { topic_id: { type: 'string' }, name: { type: 'string' } } } },
    nodes: {
      type: 'array',
      items: { type: 'object', required: ['entity_id', 'node_status'], properties: { entity_id: { type: 'string' }, node_status: { type: 'string', enum: ['reachable', 'unreachable'] }, last_seen: { type: 'string', format: 'date-time' } } },
    },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['edge_id', 'source', 'target', 'topic_id', 'transport_type', 'metrics'],
        properties: { edge_id: { type: 'string' }, source: { type: 'string' }, target: { type: 'string' }, topic_id: { type: 'string' }, transport_type: { type: 'string' }, metrics },
      },
    },
  },
};

export const GRAPH_PROVIDER_PATHS: Record<string, unknown> = {
  'functions/{function_id}/x-medkit-graph': {
    get: {
      tags: ['Functions'],
      summary: 'Pipeline dataflow graph of a Function (graph_provider plugin)',
      description: 'Nodes are the Function\'s Apps, edges the topics between them with metrics from /diagnostics. Rebuilt on every request.',
      parameters: [{ name: 'function_id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: { description: 'The graph', content: { 'application/json': { schema: { type: 'object', required: ['x-medkit-graph'], properties: { 'x-medkit-graph': graph } } } } },
        400: error,
        404: error,
      },
    },
  },
};

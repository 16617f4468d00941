// The OpenAPI fragment of the watchdog's routes (docs/plugins.md, docs/graph.md): its status and the value rules.
import { GENERIC_ERROR_RESPONSE as error } from '@medkit/plugin-api';
import { VALUE_RULE_PATHS } from './value/openapi.js';

export const GRAPH_WATCHDOG_PATHS: Record<string, unknown> = {
  'x-medkit-watchdog': {
    get: {
      tags: ['Server'],
      summary: 'Graph watchdog status (graph_watchdog plugin)',
      description: 'Warm-up state, the nodes it tracks and what each detector (qos_mismatch, orphan, param_drift, lifecycle_expectation, node_death, tf_stale, latency_budget, value) sees. 503 before the first sweep and after shutdown.',
      responses: {
        200: {
          description: 'Watchdog status',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  schema_version: { type: 'string' },
                  tick: { type: 'integer' },
                  warmup_cycles: { type: 'integer' },
                  global_state: { type: 'string', enum: ['armed', 'warming_up'] },
                  topology: { type: 'object', properties: { nodes: { type: 'integer' }, topics: { type: 'integer' }, truncated: { type: 'boolean' } } },
                  entities: {
                    type: 'array',
                    items: { type: 'object', properties: { id: { type: 'string' }, first_seen_tick: { type: 'integer' }, armed: { type: 'boolean' }, state: { type: 'string', enum: ['present', 'absent'] }, lifecycle: { type: ['string', 'null'] } } },
                  },
                  detectors: { type: 'object', additionalProperties: { type: 'object' } },
                },
              },
            },
          },
        },
        503: error,
      },
    },
  },
  ...VALUE_RULE_PATHS,
};

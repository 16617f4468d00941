// The OpenAPI fragment of the value-rule routes (docs/graph.md), shaped like the gateway's fault-trigger routes.
import { GENERIC_ERROR_RESPONSE as error } from '@medkit/plugin-api';
import { OPS, SEVERITIES, STATS } from './rule.js';

const body = {
  type: 'object',
  required: ['fault_code', 'sources', 'stat'],
  additionalProperties: false,
  properties: {
    fault_code: { type: 'string', description: 'Fault raised while the check fails (not GRAPH_…; one rule per code)' },
    severity: { type: 'string', enum: [...SEVERITIES], default: 'ERROR' },
    sources: { type: 'object', additionalProperties: { type: 'string' }, description: 'Name → `/topic.field.path` or `diag:<status name>/<key>`' },
    value: { type: 'string', description: 'Expression over the sources (default: the only source)' },
    enable: { type: 'string', description: 'Expression; a sample counts only while it holds' },
    stat: { type: 'string', enum: [...STATS] },
    op: { type: 'string', enum: [...OPS], description: 'Not for stuck' },
    threshold: { type: 'number', description: 'Compared with the statistic; for stuck the tolerance (default 0)' },
    window_ms: { type: 'integer', minimum: 1, default: 5000 },
    min_samples: { type: 'integer', minimum: 1 },
    on_invalid: { type: 'string', enum: ['hold', 'violate'], default: 'hold', description: 'A value that is NaN, infinite or not numeric: hold (no valid data; an active fault does not heal) or violate (a violation for a window)' },
    stale_after_ms: { type: 'integer', minimum: 1, description: 'Raise when no valid value arrived for this long' },
    description: { type: 'string', maxLength: 512 },
  },
  example: { fault_code: 'LOC_GPS_REJECTING', sources: { r: 'diag:gps_gate/rejected_fixes' }, stat: 'mean', op: '>', threshold: 0.5, window_ms: 10000 },
};
const rule = { type: 'object', properties: { id: { type: 'string' }, origin: { type: 'string', enum: ['config', 'rest'] }, ...body.properties } };
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const ruleId = { name: 'rule_id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } };

export const VALUE_RULE_PATHS: Record<string, unknown> = {
  'x-medkit-watchdog/value-rules': {
    get: {
      tags: ['Server'],
      summary: 'Value rules of the graph watchdog (configuration and REST)',
      responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: rule } } }, 'Every value rule'), 404: error },
    },
    post: {
      tags: ['Server'],
      summary: 'Add a value rule: a window statistic of topic fields or /diagnostics keys that raises its fault code',
      description: 'Kept in `detectors.value.storage_path` when set (else until restart). 400 names the field; 409 when the id or fault code is taken; 503 at max_rules or when the rule file cannot be written.',
      requestBody: { required: true, content: { 'application/json': { schema: body } } },
      responses: { 201: json({ ...rule, properties: { ...rule.properties, warnings: { type: 'array', items: { type: 'string' }, description: 'What is accepted but not working yet, e.g. a source topic no node publishes (the rule waits for it; /health says so too)' } } }, 'The rule as stored'), 400: error, 404: error, 409: error, 503: error },
    },
  },
  'x-medkit-watchdog/value-rules/{rule_id}': {
    get: { tags: ['Server'], summary: 'One value rule', parameters: [ruleId], responses: { 200: json(rule, 'The rule'), 400: error, 404: error } },
    delete: {
      tags: ['Server'],
      summary: 'Delete a REST value rule; the fault it raised is cleared',
      parameters: [ruleId],
      responses: { 204: { description: 'Deleted' }, 400: error, 404: error, 409: error, 503: error },
    },
  },
};

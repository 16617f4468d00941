// REST for value rules (docs/graph.md), shaped like the gateway's fault-trigger routes: list and create on
// `/x-medkit-watchdog/value-rules`, read and delete on `…/value-rules/{rule_id}`. Bad input is a SOVD 4xx naming
// the field; with the `value` detector off the routes answer 404.
import type { PluginRequest, PluginResponse, PluginRoute } from '@medkit/plugin-api';
import { RuleError, RULE_ID } from './rule.js';
import { RuleRefused, type ValueDetector } from './value-detector.js';

const VALUE_RULES_PATH = 'x-medkit-watchdog/value-rules';

function answerError(res: PluginResponse, err: unknown): void {
  if (err instanceof RuleError) res.sendError(400, 'invalid-parameter', err.message, { field: err.field });
  else if (err instanceof RuleRefused) res.sendError(err.status, err.code, err.message);
  else throw err;
}

export function valueRuleRoutes(detector: () => ValueDetector | undefined): PluginRoute[] {
  /** The detector, or a 404 already sent. */
  const live = (res: PluginResponse): ValueDetector | undefined => {
    const d = detector();
    if (!d) res.sendError(404, 'resource-not-found', 'Value rules are off (plugins.graph_watchdog.detectors.value.mode: off)');
    return d;
  };
  /** The rule id of the path, or a 400/404 already sent. */
  const ruleId = (req: PluginRequest, res: PluginResponse, d: ValueDetector): string | undefined => {
    let id: string;
    try {
      id = decodeURIComponent(req.pathParam(1) ?? '');
    } catch {
      id = '';
    }
    if (!RULE_ID.test(id)) {
      res.sendError(400, 'invalid-parameter', 'rule_id: 1–64 characters of A-Z a-z 0-9 _ . -', { field: 'rule_id' });
      return undefined;
    }
    if (!d.get(id)) {
      res.sendError(404, 'resource-not-found', `no value rule ${id}`);
      return undefined;
    }
    return id;
  };
  return [
    {
      method: 'GET',
      pattern: VALUE_RULES_PATH,
      handler: (_req, res) => {
        const d = live(res);
        if (d) res.sendJson({ items: d.list() });
      },
    },
    {
      method: 'POST',
      pattern: VALUE_RULES_PATH,
      role: 'configurator',
      handler: (req, res) => {
        const d = live(res);
        if (!d) return;
        try {
          const { rule, warnings } = d.create(req.body());
          res.sendJson(warnings.length > 0 ? { ...rule, warnings } : rule, 201);
        } catch (err) {
          answerError(res, err);
        }
      },
    },
    {
      method: 'GET',
      pattern: `${VALUE_RULES_PATH}/([^/]+)`,
      handler: (req, res) => {
        const d = live(res);
        const id = d && ruleId(req, res, d);
        if (id) res.sendJson(d.get(id));
      },
    },
    {
      method: 'DELETE',
      pattern: `${VALUE_RULES_PATH}/([^/]+)`,
      role: 'configurator',
      handler: (req, res) => {
        const d = live(res);
        const id = d && ruleId(req, res, d);
        if (!id) return;
        try {
          d.remove(id);
          res.sendJson(null, 204);
        } catch (err) {
          answerError(res, err);
        }
      },
    },
  ];
}

// Validates a trigger create body (docs/triggers.md) into a definition; every problem is a 400 with the
// code the spec names (invalid-parameter, x-medkit-invalid-resource-uri, x-medkit-entity-mismatch).
import { SovdError } from '@medkit/sovd';
import { parseResourceUri } from '../sampling/index.js';
import type { EntitySegment } from '../entity-scope/index.js';
import type { ConditionRegistry } from './conditions.js';
import { parsePointer } from './json.js';
import { LOG_SEVERITIES, type LogSettings, type LogSeverity, type TriggerDefinition, type TriggerProtocol } from './model.js';

/** Collections a trigger may observe (plus `x-*` vendor collections). */
const TRIGGER_COLLECTIONS = ['data', 'faults', 'operations', 'updates', 'logs'] as const;

const param = (name: string, message: string, extra: Record<string, unknown> = {}) => new SovdError('invalid-parameter', message, { parameter: name, ...extra });

type TriggerInput = Omit<TriggerDefinition, 'id' | 'createdAt' | 'expiresAt' | 'entityType'>;

/**
 * [ours] Longest trigger lifetime: ten years. SOVD sets no bound, but the expiry instant must stay a
 * valid date (JavaScript dates end at 8.64e15 ms); a trigger meant to last forever omits `lifetime`.
 */
export const MAX_LIFETIME_SEC = 315_360_000;

export function parseLifetime(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > MAX_LIFETIME_SEC) {
    throw param('lifetime', `lifetime must be an integer number of seconds from 1 to ${MAX_LIFETIME_SEC}`, { value: v, max_value: MAX_LIFETIME_SEC });
  }
  return v;
}

function parseLogSettings(v: unknown): LogSettings {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw param('log_settings', 'log_settings must be an object');
  const r = v as Record<string, unknown>;
  const severity = r.severity ?? 'info';
  if (typeof severity !== 'string' || !(LOG_SEVERITIES as readonly string[]).includes(severity)) {
    throw param('log_settings.severity', `log_settings.severity must be one of ${LOG_SEVERITIES.join(', ')}`, { allowed_values: [...LOG_SEVERITIES] });
  }
  const marker = r.marker ?? 'Trigger fired';
  if (typeof marker !== 'string' || marker.length > 1024) throw param('log_settings.marker', 'log_settings.marker must be a string (≤ 1024 characters)');
  return { severity: severity as LogSeverity, marker };
}

function parseWebhookUrl(v: unknown): string {
  let url: URL;
  try {
    url = new URL(String(v));
  } catch {
    throw param('webhook_url', 'webhook_url must be an absolute http or https URL', { value: v });
  }
  if (typeof v !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:') || v.length > 2048) {
    throw param('webhook_url', 'webhook_url must be an absolute http or https URL', { value: v });
  }
  if (url.username || url.password) throw param('webhook_url', 'webhook_url must not carry credentials; use webhook_secret for signing');
  return url.toString();
}

/** Parses the create body for the trigger route of `segment/id`. */
export function parseTriggerBody(body: unknown, route: { segment: EntitySegment; id: string }, conditions: ConditionRegistry): TriggerInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SovdError('invalid-request', 'Request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.resource === undefined) throw param('resource', 'resource is required');
  if (b.trigger_condition === undefined) throw param('trigger_condition', 'trigger_condition is required');
  const res = parseResourceUri(b.resource, route);
  if (res.kind !== 'entity') throw new SovdError('x-medkit-invalid-resource-uri', 'Invalid resource URI', { resource: b.resource });
  if (!(TRIGGER_COLLECTIONS as readonly string[]).includes(res.collection) && !res.collection.startsWith('x-')) {
    throw param('resource', `Unknown collection '${res.collection}' for a trigger`, { collection: res.collection, allowed_values: [...TRIGGER_COLLECTIONS, 'x-*'] });
  }
  if (res.collection === 'data' && !res.itemPath) {
    throw new SovdError('x-medkit-invalid-resource-uri', 'A data trigger must name a topic: /api/v1/{type}/{id}/data/{topic}', { resource: b.resource });
  }
  const { type, params, evaluator } = conditions.parse(b.trigger_condition);
  void evaluator;
  const protocol = (b.protocol ?? 'sse') as TriggerProtocol;
  if (protocol !== 'sse' && protocol !== 'webhook') throw param('protocol', `Unsupported protocol '${String(b.protocol)}'`, { allowed_values: ['sse', 'webhook'] });
  const out: TriggerInput = {
    entityId: route.id,
    resourceUri: b.resource as string,
    collection: res.collection,
    ...(res.itemPath ? { resourcePath: res.itemPath } : {}),
    conditionType: type,
    conditionParams: params,
    protocol,
    multishot: false,
    persistent: false,
  };
  if (protocol === 'webhook') {
    if (b.webhook_url === undefined) throw param('webhook_url', 'protocol webhook needs webhook_url');
    out.webhookUrl = parseWebhookUrl(b.webhook_url);
    if (b.webhook_secret !== undefined) {
      if (typeof b.webhook_secret !== 'string' || b.webhook_secret.length === 0 || b.webhook_secret.length > 256) throw param('webhook_secret', 'webhook_secret must be a string of 1–256 characters');
      out.webhookSecret = b.webhook_secret;
    }
  } else if (b.webhook_url !== undefined) {
    throw param('webhook_url', 'webhook_url needs protocol "webhook"');
  }
  if (b.path !== undefined) {
    parsePointer(b.path);
    out.path = b.path as string;
  }
  for (const k of ['multishot', 'persistent'] as const) {
    if (b[k] !== undefined && typeof b[k] !== 'boolean') throw param(k, `${k} must be a boolean`);
    out[k] = b[k] === true;
  }
  if (b.lifetime !== undefined) out.lifetime = parseLifetime(b.lifetime);
  if (b.log_settings !== undefined) out.logSettings = parseLogSettings(b.log_settings);
  return out;
}

// Fault-trigger rules (docs/plugins.md, docs/triggers.md): a threshold on one data value of an App that raises a
// fault while the value is past it and clears the fault when it comes back. The rule, its body checks, and
// how a data read becomes the number a rule compares (or nothing, when the read says nothing reliable).
import { SovdError, validateFaultCode } from '@medkit/sovd';
import { parsePointer, resolvePointer } from '../triggers/json.js';

export const OPERATORS = ['>', '<', '>=', '<=', '=='] as const;
export type Operator = (typeof OPERATORS)[number];

/** Rule severity names and the ReportFault severity each one reports (INFO 0 … CRITICAL 3). */
export const SEVERITIES = { INFO: 0, WARNING: 1, ERROR: 2, CRITICAL: 3 } as const;
type SeverityName = keyof typeof SEVERITIES;

export interface FaultTriggerRule {
  /** `ftr_<n>`, never reused. */
  id: string;
  app_id: string;
  data_name: string;
  operator: Operator;
  threshold: number;
  fault_code: string;
  severity: SeverityName;
  /** false: kept but not evaluated. */
  active: boolean;
  /** [ours] JSON Pointer into the value read (a field of a ROS message: `/voltage`). */
  path?: string;
}

export type RuleInput = Omit<FaultTriggerRule, 'id' | 'app_id'>;

const MAX_NAME = 512;

function invalid(parameter: string, message: string, value?: unknown): SovdError {
  return new SovdError('invalid-parameter', message, { parameter, ...(value !== undefined ? { value } : {}) });
}

function requiredString(body: Record<string, unknown>, key: string, max: number): string {
  const v = body[key];
  if (v === undefined || v === null) throw invalid(key, `'${key}' is required`);
  if (typeof v !== 'string' || v.trim() === '') throw invalid(key, `'${key}' must be a non-empty string`, v);
  if (v.length > max) throw invalid(key, `'${key}' is longer than ${max} characters`);
  return v;
}

/** Checks a create body; throws 400 with the failing field named (`'data_name' is required`, ...). */
export function parseRuleBody(raw: unknown): RuleInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SovdError('invalid-request', 'The body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const data_name = requiredString(body, 'data_name', MAX_NAME);
  const op = body.operator;
  if (op === undefined) throw invalid('operator', "'operator' is required");
  if (!(OPERATORS as readonly unknown[]).includes(op)) throw new SovdError('invalid-parameter', `'operator' must be one of ${OPERATORS.join(' ')}`, { parameter: 'operator', value: op, allowed_values: [...OPERATORS] });
  const threshold = body.threshold;
  if (threshold === undefined) throw invalid('threshold', "'threshold' is required");
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw invalid('threshold', "'threshold' must be a finite number", threshold);
  const fault_code = requiredString(body, 'fault_code', Number.MAX_SAFE_INTEGER);
  const codeProblem = validateFaultCode(fault_code);
  if (codeProblem) throw invalid('fault_code', `'fault_code': ${codeProblem}`, fault_code.slice(0, 128));
  const sev = body.severity;
  if (sev === undefined) throw invalid('severity', "'severity' is required");
  if (typeof sev !== 'string' || !(sev in SEVERITIES)) throw new SovdError('invalid-parameter', `'severity' must be one of ${Object.keys(SEVERITIES).join(', ')}`, { parameter: 'severity', value: sev, allowed_values: Object.keys(SEVERITIES) });
  const active = body.active ?? true;
  if (typeof active !== 'boolean') throw invalid('active', "'active' must be a boolean", active);
  const path = body.path;
  if (path !== undefined) parsePointer(path);
  return { data_name, operator: op as Operator, threshold, fault_code, severity: sev as SeverityName, active, ...(path !== undefined && path !== '' ? { path: path as string } : {}) };
}

/** True when `value` is past the rule's threshold. */
export function crosses(rule: Pick<FaultTriggerRule, 'operator' | 'threshold'>, value: number): boolean {
  switch (rule.operator) {
    case '>':
      return value > rule.threshold;
    case '<':
      return value < rule.threshold;
    case '>=':
      return value >= rule.threshold;
    case '<=':
      return value <= rule.threshold;
    case '==':
      return value === rule.threshold;
  }
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  // 64-bit integers beyond 2^53 travel as decimal strings (docs/migrating.md, type_info).
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  return undefined;
}

/**
 * The number a rule compares from a data read (`{id, data, x-medkit}`), or undefined when the read says
 * nothing reliable: a source that is not connected or whose value is stale, a read without a sample, a
 * value that is not a finite number (after the rule's `path`). Without `path`, a message whose only
 * reading is a `data` field (std_msgs wrappers) gives that field.
 */
export function readingOf(body: unknown, path: string | undefined): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { data?: unknown; 'x-medkit'?: Record<string, unknown> };
  const xm = b['x-medkit'] ?? {};
  if (xm.connected === false || xm.stale === true || xm.status === 'metadata_only') return undefined;
  let value = b.data;
  if (path !== undefined) {
    const hit = resolvePointer(value, parsePointer(path));
    if (!hit.found) return undefined;
    value = hit.value;
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'data' in value) {
    value = (value as { data: unknown }).data;
  }
  return numeric(value);
}

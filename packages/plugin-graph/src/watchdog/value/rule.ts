// A value rule (docs/graph.md, the reference's #669): named sources, an expression over them, a window
// statistic compared with a threshold, an optional enable condition, and the fault code it raises. The same
// checks read a rule from the configuration, from a REST body and from the store, each bounded by the limits.
import { validateFaultCode } from '@medkit/plugin-api';
import { ExpressionError, parseExpression, type Expression, type ExpressionLimits } from './expression.js';
import { parseSource, type SourceSpec } from './source.js';

export const STATS = ['min', 'max', 'mean', 'rate', 'stuck'] as const;
type Stat = (typeof STATS)[number];
export const OPS = ['<', '<=', '>', '>='] as const;
export type Op = (typeof OPS)[number];
export const SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule as it is listed, created and stored (the JSON form). */
export interface ValueRule {
  id: string;
  origin: 'config' | 'rest';
  fault_code: string;
  severity: Severity;
  /** Name → `/topic.field.path` or `diag:<status name>/<key>`. */
  sources: Record<string, string>;
  /** Expression over the sources whose value is sampled; default the only source's name. */
  value: string;
  /** Expression that must hold for a sample to count. */
  enable?: string;
  stat: Stat;
  /** Not for `stuck`. */
  op?: Op;
  /** `stuck`: the largest change that still counts as stuck (default 0). */
  threshold: number;
  window_ms: number;
  min_samples: number;
  /**
   * A present value that is not a finite number (NaN, infinity, unparsable text): `hold` (default) counts it as
   * no valid data, which never heals an active fault; `violate` counts it as a violation for a window.
   */
  on_invalid: 'hold' | 'violate';
  /** Raise when no valid sample arrived for this long (ms); absent: silence only keeps the last verdict. */
  stale_after_ms?: number;
  description?: string;
}

/** A rule with its parts parsed, ready to evaluate. */
export interface CompiledRule {
  rule: ValueRule;
  sources: Map<string, SourceSpec>;
  value: Expression;
  enable?: Expression;
}

export interface RuleLimits extends ExpressionLimits {
  maxSources: number;
  maxWindowMs: number;
}

/** A rule that does not pass its checks; `field` is the offending key. */
export class RuleError extends Error {
  override name = 'RuleError';
  readonly code: string = 'value-rule-invalid';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const KNOWN_KEYS = ['id', 'fault_code', 'severity', 'sources', 'value', 'enable', 'stat', 'op', 'threshold', 'window_ms', 'min_samples', 'on_invalid', 'stale_after_ms', 'description'];
const SOURCE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const RESERVED = new Set(['and', 'or', 'not', 'true', 'false', 'abs', 'sign', 'sqrt', 'min', 'max', 'hypot']);
export const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_DESCRIPTION = 512;

function expr(field: string, text: unknown, limits: RuleLimits, names: ReadonlySet<string>): Expression {
  if (typeof text !== 'string') throw new RuleError(field, 'must be a string');
  let e: Expression;
  try {
    e = parseExpression(text, limits);
  } catch (err) {
    if (err instanceof ExpressionError) throw new RuleError(field, err.message);
    throw err;
  }
  for (const n of e.names) if (!names.has(n)) throw new RuleError(field, `'${n}' is not one of the sources (${[...names].join(', ')})`);
  return e;
}

function positiveInt(field: string, v: unknown, def: number, max: number): number {
  if (v === undefined) return def;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw new RuleError(field, `must be an integer 1–${max}`);
  return n;
}

/**
 * Checks a rule body and compiles it. `id` and `origin` are the caller's (a REST rule gets a generated id).
 * Unknown keys are refused, so a misspelt `enable` never makes a rule silently always on.
 */
export function compileRule(raw: unknown, id: string, origin: ValueRule['origin'], limits: RuleLimits): CompiledRule {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RuleError('rule', 'must be an object');
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KNOWN_KEYS.includes(k)) throw new RuleError(k, `unknown key (known: ${KNOWN_KEYS.join(', ')})`);
  const codeError = validateFaultCode(r.fault_code);
  if (codeError) throw new RuleError('fault_code', codeError);
  const severity = r.severity ?? 'ERROR';
  if (!(SEVERITIES as readonly unknown[]).includes(severity)) throw new RuleError('severity', `must be one of ${SEVERITIES.join(', ')}`);
  if (r.sources === null || typeof r.sources !== 'object' || Array.isArray(r.sources)) throw new RuleError('sources', 'must be an object of name → source');
  const entries = Object.entries(r.sources as Record<string, unknown>);
  if (entries.length === 0 || entries.length > limits.maxSources) throw new RuleError('sources', `must name 1–${limits.maxSources} sources`);
  const sources = new Map<string, SourceSpec>();
  const sourceTexts: Record<string, string> = {};
  for (const [name, text] of entries) {
    if (!SOURCE_NAME.test(name) || RESERVED.has(name)) throw new RuleError(`sources.${name.slice(0, 40)}`, 'a source name is a letter or _ then letters, digits, _ (at most 32), not a keyword or function name');
    try {
      sources.set(name, parseSource(text));
    } catch (err) {
      throw new RuleError(`sources.${name}`, (err as Error).message);
    }
    sourceTexts[name] = text as string;
  }
  const names = new Set(sources.keys());
  if (r.value === undefined && names.size !== 1) throw new RuleError('value', 'is required when there is more than one source');
  const valueText = r.value ?? [...names][0];
  const value = expr('value', valueText, limits, names);
  const enable = r.enable === undefined ? undefined : expr('enable', r.enable, limits, names);
  const stat = r.stat;
  if (!(STATS as readonly unknown[]).includes(stat)) throw new RuleError('stat', `must be one of ${STATS.join(', ')}`);
  const op = r.op;
  if (stat === 'stuck') {
    if (op !== undefined) throw new RuleError('op', 'is not used by stat stuck (threshold is the tolerance)');
  } else if (!(OPS as readonly unknown[]).includes(op)) throw new RuleError('op', `must be one of ${OPS.join(' ')}`);
  const threshold = r.threshold ?? (stat === 'stuck' ? 0 : undefined);
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new RuleError('threshold', 'must be a finite number');
  if (stat === 'stuck' && threshold < 0) throw new RuleError('threshold', 'the stuck tolerance cannot be negative');
  const window = positiveInt('window_ms', r.window_ms, 5000, limits.maxWindowMs);
  const minSamples = positiveInt('min_samples', r.min_samples, stat === 'rate' || stat === 'stuck' ? 2 : 1, 1_000_000);
  if ((stat === 'rate' || stat === 'stuck') && minSamples < 2) throw new RuleError('min_samples', `stat ${stat} needs at least 2`);
  if (r.description !== undefined && (typeof r.description !== 'string' || r.description.length > MAX_DESCRIPTION)) throw new RuleError('description', `must be a string of at most ${MAX_DESCRIPTION} characters`);
  const onInvalid = r.on_invalid ?? 'hold';
  if (onInvalid !== 'hold' && onInvalid !== 'violate') throw new RuleError('on_invalid', 'must be hold or violate');
  const staleAfter = r.stale_after_ms === undefined ? undefined : positiveInt('stale_after_ms', r.stale_after_ms, 0, limits.maxWindowMs);
  const rule: ValueRule = {
    id,
    origin,
    fault_code: r.fault_code as string,
    severity: severity as Severity,
    sources: sourceTexts,
    value: valueText as string,
    ...(enable ? { enable: enable.text } : {}),
    stat: stat as Stat,
    ...(op !== undefined ? { op: op as Op } : {}),
    threshold,
    window_ms: window,
    min_samples: minSamples,
    on_invalid: onInvalid,
    ...(staleAfter !== undefined ? { stale_after_ms: staleAfter } : {}),
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
  };
  return { rule, sources, value, ...(enable ? { enable } : {}) };
}

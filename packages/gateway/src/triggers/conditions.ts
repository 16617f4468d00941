// Trigger conditions (docs/triggers.md): the four built-ins and a registry for plugin
// `x-` evaluators. Each condition validates its parameters once at creation and then evaluates
// (previous, current) on every change.
import { SovdError } from '@medkit/sovd';
import { jsonEqual } from './json.js';

/** The previous value of a trigger, absent before its first evaluation. */
export type Previous = { value: unknown } | undefined;

export interface ConditionEvaluator {
  /** Throws a SovdError (400 invalid-parameter) for bad parameters. */
  validate(params: Record<string, unknown>): void;
  evaluate(previous: Previous, current: unknown, params: Record<string, unknown>): boolean;
}

const bad = (message: string, params: Record<string, unknown> = {}) => new SovdError('invalid-parameter', message, { parameter: 'trigger_condition', ...params });

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function validateRange(p: Record<string, unknown>): void {
  if (!isNum(p.lower_bound) || !isNum(p.upper_bound)) throw bad('lower_bound and upper_bound must be finite numbers', { details: 'range conditions need lower_bound and upper_bound' });
  if (p.lower_bound > p.upper_bound) throw bad('lower_bound must not be greater than upper_bound', { lower_bound: p.lower_bound, upper_bound: p.upper_bound });
}
const inside = (v: number, p: Record<string, unknown>) => v >= (p.lower_bound as number) && v <= (p.upper_bound as number);

const BUILTINS: Record<string, ConditionEvaluator> = {
  OnChange: {
    validate() {},
    evaluate: (prev, cur) => prev === undefined || !jsonEqual(prev.value, cur),
  },
  OnChangeTo: {
    validate(p) {
      if (!('target_value' in p) || p.target_value === undefined) throw bad('OnChangeTo needs target_value');
    },
    evaluate: (prev, cur, p) => jsonEqual(cur, p.target_value) && (prev === undefined || !jsonEqual(prev.value, cur)),
  },
  EnterRange: {
    validate: validateRange,
    evaluate: (prev, cur, p) => prev !== undefined && isNum(prev.value) && isNum(cur) && !inside(prev.value, p) && inside(cur, p),
  },
  LeaveRange: {
    validate: validateRange,
    evaluate: (prev, cur, p) => prev !== undefined && isNum(prev.value) && isNum(cur) && inside(prev.value, p) && !inside(cur, p),
  },
};

export class ConditionRegistry {
  private readonly plugins = new Map<string, ConditionEvaluator>();

  /** Registers a plugin evaluator; names must start with `x-`. */
  register(name: string, evaluator: ConditionEvaluator): void {
    if (!name.startsWith('x-')) throw new Error(`plugin condition types must start with 'x-' (got '${name}')`);
    this.plugins.set(name, evaluator);
  }

  get(name: string): ConditionEvaluator | undefined {
    return BUILTINS[name] ?? this.plugins.get(name);
  }

  names(): string[] {
    return [...Object.keys(BUILTINS), ...this.plugins.keys()];
  }

  /** Validates a `trigger_condition` body member and returns it split into type and parameters. */
  parse(raw: unknown): { type: string; params: Record<string, unknown>; evaluator: ConditionEvaluator } {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('trigger_condition must be an object with condition_type');
    const { condition_type: type, ...params } = raw as Record<string, unknown>;
    if (typeof type !== 'string' || type.length === 0) throw bad('trigger_condition.condition_type is required');
    const evaluator = this.get(type);
    if (!evaluator) throw bad(`Unknown condition_type '${type}'`, { condition_type: type, allowed_values: this.names() });
    evaluator.validate(params);
    return { type, params, evaluator };
  }
}

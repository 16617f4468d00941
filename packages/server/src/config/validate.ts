// Coerces raw values (YAML scalars, environment strings, flags) to each key's type. A value the key does not
// allow (malformed, out of range, not one of its values) stops start-up naming the key, the value and what is
// allowed (docs/configuration.md): a default or a clamped value in its place would run the robot on a setting
// nobody asked for (a typo'd port listening on 8080).
import { shownConfigValue, type KeySpec } from '@medkit/kit';

export interface Adjustment {
  key: string;
  value: unknown;
  /** 'refused': an invalid value of a known key, or an unknown key where one is not allowed; 'unknown': ignored. */
  action: 'refused' | 'unknown';
  message: string;
}

function rangeText(spec: { min?: number; max?: number }): string {
  if (spec.min !== undefined && spec.max !== undefined) return `${spec.min}–${spec.max}`;
  if (spec.min !== undefined) return `≥ ${spec.min}`;
  if (spec.max !== undefined) return `≤ ${spec.max}`;
  return 'any number';
}

/** Characters of a refused value quoted in its message (a value can be as long as an environment variable). */
const SHOWN_CHARS = 200;

/** The value as the message quotes it: JSON (a secret key's hidden, URL passwords hidden), cut at SHOWN_CHARS. */
function shown(key: string, raw: unknown): string {
  const s = shownConfigValue(key, raw);
  return s.length > SHOWN_CHARS ? `${s.slice(0, SHOWN_CHARS)}… (${s.length} characters)` : s;
}

/** A number written in decimal, as an environment variable or a flag gives it (Number() alone also takes 0x10, 0b1, 0o7). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && DECIMAL.test(raw.trim())) return Number(raw.trim());
  return Number.NaN;
}

function toBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
  }
  if (raw === 1) return true;
  if (raw === 0) return false;
  return undefined;
}

function toList(raw: unknown): string[] | undefined {
  if (Array.isArray(raw)) return raw.map((x) => String(x).trim()).filter((x) => x !== '');
  if (typeof raw === 'string') return raw.split(/[,;]/).map((x) => x.trim()).filter((x) => x !== '');
  return undefined;
}

/**
 * The value of `key`, or why `raw` is refused: one line naming the key, the value, where it was set (`where`, e.g.
 * ` in robot.yaml` or ` (command line)`) and what is allowed.
 */
export function coerce(key: string, spec: KeySpec, raw: unknown, where = ''): { value: unknown; adjustment?: Adjustment } {
  const fail = (why: string) => ({ value: spec.default, adjustment: { key, value: raw, action: 'refused' as const, message: `${key}=${shown(key, raw)}${where} is invalid: ${why}; refusing to start` } });
  switch (spec.type) {
    case 'int':
    case 'float': {
      const n = toNumber(raw);
      const allowed = `allowed range ${rangeText(spec)}`;
      if (!Number.isFinite(n)) return fail(`expected a number, ${allowed}`);
      if (spec.type === 'int' && !Number.isInteger(n)) return fail(`expected an integer, ${allowed}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return fail(`outside the ${allowed}`);
      return { value: n };
    }
    case 'bool': {
      const b = toBool(raw);
      return b === undefined ? fail('expected true or false') : { value: b };
    }
    case 'list': {
      const l = toList(raw);
      return l === undefined ? fail('expected a list of strings') : { value: l };
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail('expected a string');
      const s = String(raw);
      if (spec.enum && !spec.enum.includes(s)) return fail(`allowed values are ${spec.enum.join(', ')}`);
      const problem = spec.check?.problem(s);
      if (problem !== undefined) return fail(`${problem} (allowed: ${spec.check!.allowed})`);
      return { value: s };
    }
  }
}

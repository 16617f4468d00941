// Coerces raw values (YAML scalars, environment strings) to each key's type and applies the
// out-of-range policy of docs/configuration.md: clamp (warn), reject (warn, keep default) or refuse (stop).
// A key that guards security or a limit (key-spec.ts Guard) always refuses: its protection is never
// replaced by a default or a clamped value other than the one asked for.
import { shownConfigValue, type KeySpec } from '@medkit/kit';

export interface Adjustment {
  key: string;
  value: unknown;
  /** 'clamped' | 'rejected' | 'refused' | 'unknown' */
  action: 'clamped' | 'rejected' | 'refused' | 'unknown';
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

/** Returns the value to use for `key` and, when the raw value was not taken as is, what happened. */
export function coerce(key: string, spec: KeySpec, raw: unknown): { value: unknown; adjustment?: Adjustment } {
  const fail = (why: string, asked: 'reject' | 'refuse' = 'reject') => {
    const policy = spec.guards ? 'refuse' : asked;
    const guard = spec.guards ? ` (a ${spec.guards} key is never replaced by another value)` : '';
    return {
      value: spec.default,
      adjustment: {
        key,
        value: raw,
        action: policy === 'refuse' ? ('refused' as const) : ('rejected' as const),
        message:
          policy === 'refuse'
            ? `${key}=${shown(key, raw)} is invalid: ${why}; refusing to start${guard}`
            : `${key}=${shown(key, raw)} is invalid: ${why}; using the default ${JSON.stringify(spec.default)}`,
      },
    };
  };
  switch (spec.type) {
    case 'int':
    case 'float': {
      const n = toNumber(raw);
      const policy = spec.policy ?? 'reject';
      const allowed = `allowed range ${rangeText(spec)}`;
      if (!Number.isFinite(n)) return fail(`expected a number, ${allowed}`, policy === 'refuse' ? 'refuse' : 'reject');
      if (spec.type === 'int' && !Number.isInteger(n)) return fail(`expected an integer, ${allowed}`, policy === 'refuse' ? 'refuse' : 'reject');
      const low = spec.min !== undefined && n < spec.min;
      const high = spec.max !== undefined && n > spec.max;
      if (!low && !high) return { value: n };
      if (policy === 'clamp' && !spec.guards) {
        const v = low ? spec.min! : spec.max!;
        return { value: v, adjustment: { key, value: raw, action: 'clamped', message: `${key}=${n} is outside the ${allowed}; clamped to ${v}` } };
      }
      return fail(`outside the ${allowed}`, policy === 'refuse' ? 'refuse' : 'reject');
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
      if (spec.enum && !spec.enum.includes(s)) return fail(`allowed values are ${spec.enum.join(', ')}`, spec.policy === 'refuse' ? 'refuse' : 'reject');
      const problem = spec.check?.problem(s);
      if (problem !== undefined) return fail(`${problem} (allowed: ${spec.check!.allowed})`, spec.policy === 'refuse' ? 'refuse' : 'reject');
      return { value: s };
    }
  }
}

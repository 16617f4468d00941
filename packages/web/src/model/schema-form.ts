// Forms generated from the JSON-Schema-like type info the gateway gives for data items and
// operations (docs/resources.md x-medkit.type_info, docs/resources.md): objects become fieldsets, primitives
// become typed inputs, anything else (arrays, unknown) a JSON text field. Values are checked
// against their declared type before anything is sent.
import { isObj, obj } from './json';

export type FieldKind = 'object' | 'number' | 'integer' | 'string' | 'boolean' | 'json';

export interface Field {
  kind: FieldKind;
  /** Dotted path from the root ('' for the root). */
  path: string;
  label: string;
  description?: string;
  enumValues?: unknown[];
  minimum?: number;
  maximum?: number;
  /** The schema's `default`, used when the initial value has none. */
  defaultValue?: unknown;
  fields?: Field[];
}

/** Form state: text per primitive/json path, boolean per checkbox path. */
export type FormState = Record<string, string | boolean>;

const MAX_DEPTH = 8;

export function schemaToField(schema: unknown, path = '', label = 'value', depth = 0): Field {
  const s = obj(schema);
  const rawType = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const common = {
    path,
    label: typeof s.title === 'string' ? s.title : label,
    description: typeof s.description === 'string' ? s.description : undefined,
    enumValues: Array.isArray(s.enum) ? s.enum : undefined,
    minimum: typeof s.minimum === 'number' ? s.minimum : undefined,
    maximum: typeof s.maximum === 'number' ? s.maximum : undefined,
    defaultValue: s.default,
  };
  if ((rawType === 'object' || (rawType === undefined && isObj(s.properties))) && depth < MAX_DEPTH) {
    const props = obj(s.properties);
    return { ...common, kind: 'object', fields: Object.entries(props).map(([k, v]) => schemaToField(v, path ? `${path}.${k}` : k, k, depth + 1)) };
  }
  if (rawType === 'number' || rawType === 'integer' || rawType === 'string' || rawType === 'boolean') return { ...common, kind: rawType };
  return { ...common, kind: 'json' };
}

function at(value: unknown, path: string): unknown {
  if (path === '') return value;
  let v: unknown = value;
  for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
  return v;
}

/** Initial form state from a default/current value. */
export function initialState(field: Field, value: unknown): FormState {
  const state: FormState = {};
  const walk = (f: Field) => {
    const v = at(value, f.path) ?? f.defaultValue;
    switch (f.kind) {
      case 'object':
        f.fields!.forEach(walk);
        break;
      case 'boolean':
        state[f.path] = v === true;
        break;
      case 'json':
        state[f.path] = v === undefined ? '' : JSON.stringify(v);
        break;
      default:
        state[f.path] = v === undefined || v === null ? '' : String(v);
    }
  };
  walk(field);
  return state;
}

export type Collected = { ok: true; value: unknown } | { ok: false; errors: Record<string, string> };

/** Reads the form back into a JSON value, type-checking each input. */
export function collectValue(field: Field, state: FormState): Collected {
  const errors: Record<string, string> = {};
  const read = (f: Field): unknown => {
    if (f.kind === 'object') {
      const out: Record<string, unknown> = {};
      for (const c of f.fields!) {
        const v = read(c);
        if (v !== undefined) out[c.path.split('.').pop()!] = v;
      }
      return out;
    }
    const raw = state[f.path];
    if (f.kind === 'boolean') return raw === true;
    const text = typeof raw === 'string' ? raw.trim() : '';
    const r = parseTyped(f, text);
    if (!r.ok) {
      errors[f.path] = r.error;
      return undefined;
    }
    return r.value;
  };
  const value = read(field);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

function parseTyped(f: Field, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (f.kind) {
    case 'string':
      return checkEnum(f, text);
    case 'number':
    case 'integer': {
      if (text === '') return { ok: false, error: `${f.label}: enter a number` };
      const n = Number(text);
      if (!Number.isFinite(n)) return { ok: false, error: `${f.label}: "${text}" is not a number` };
      if (f.kind === 'integer' && !Number.isInteger(n)) return { ok: false, error: `${f.label}: must be a whole number` };
      if (f.minimum !== undefined && n < f.minimum) return { ok: false, error: `${f.label}: must be at least ${f.minimum}` };
      if (f.maximum !== undefined && n > f.maximum) return { ok: false, error: `${f.label}: must be at most ${f.maximum}` };
      return checkEnum(f, n);
    }
    case 'json':
      if (text === '') return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, error: `${f.label}: not valid JSON` };
      }
    default:
      return { ok: true, value: text };
  }
}

function checkEnum(f: Field, v: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (f.enumValues && !f.enumValues.includes(v)) return { ok: false, error: `${f.label}: must be one of ${f.enumValues.map(String).join(', ')}` };
  return { ok: true, value: v };
}

/** Number of inputs the form has (a schema with none is sent as `{}` without showing a form). */
export function inputCount(field: Field): number {
  return field.kind === 'object' ? field.fields!.reduce((n, f) => n + inputCount(f), 0) : 1;
}

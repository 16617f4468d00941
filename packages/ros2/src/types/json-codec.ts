/**
 * The JSON form of ROS messages (README-types.md) ↔ the values @foxglove/rosmsg2-serialization reads
 * and writes. JSON side: 64-bit integers are numbers when safe and decimal strings otherwise,
 * non-finite floats are the strings "NaN", "Infinity", "-Infinity", uint8/byte/char arrays are number
 * arrays (or base64 strings on request), float32 values are printed in their shortest exact form.
 * Wire side: bigint for 64-bit integers, typed arrays as the reader returns them.
 */
import type { MessageDefinitionField, TypeGraph } from './model.js';

/** How byte arrays (uint8[], byte[], char[]) appear in JSON output. */
export type BytesForm = 'array' | 'base64';

/** Options of {@link wireToJson}. */
export interface JsonFormOptions {
  /** `array` (default): `[1, 2, 3]`; `base64`: `"AQID"`. */
  bytes?: BytesForm;
}

type Obj = Record<string, unknown>;

function nestedFields(graph: TypeGraph, type: string): readonly MessageDefinitionField[] {
  const fields = graph.get(type);
  if (!fields) throw new Error(`type graph lacks ${type}`); // resolver guarantees it; a bug otherwise
  return fields;
}

/** Converts a decoded message (reader output) to its JSON form. */
export function wireToJson(value: unknown, fields: readonly MessageDefinitionField[], graph: TypeGraph, opts: JsonFormOptions = {}): Obj {
  const src = (value ?? {}) as Obj;
  const out: Obj = {};
  for (const field of fields) {
    const v = src[field.name];
    if (field.isComplex === true) {
      const sub = nestedFields(graph, field.type);
      out[field.name] = field.isArray === true
        ? (v as unknown[]).map((e) => wireToJson(e, sub, graph, opts))
        : wireToJson(v, sub, graph, opts);
    } else if (field.isArray === true) {
      out[field.name] = field.type === 'uint8' && opts.bytes === 'base64'
        ? Buffer.from(v as Uint8Array).toString('base64')
        : Array.from(v as ArrayLike<unknown>, (e) => scalarToJson(field.type, e));
    } else {
      out[field.name] = scalarToJson(field.type, v);
    }
  }
  return out;
}

function scalarToJson(type: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' && (type === 'float32' || type === 'float64')) {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return type === 'float32' ? shortestFloat32(v) : v;
  }
  return v;
}

/** The shortest decimal that reads back as the same float32 (0.10000000149011612 → 0.1). */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/**
 * Converts a JSON-form (or native JS) value to what the writer takes, filling every missing field
 * with its declared default or zero value. The value must have passed validation.
 */
export function jsonToWire(value: unknown, fields: readonly MessageDefinitionField[], graph: TypeGraph): Obj {
  const src = (value ?? {}) as Obj;
  const out: Obj = {};
  for (const field of fields) {
    const v = src[field.name];
    out[field.name] = v === undefined ? defaultWire(field, graph) : fieldToWire(field, v, graph);
  }
  return out;
}

function fieldToWire(field: MessageDefinitionField, v: unknown, graph: TypeGraph): unknown {
  if (field.isComplex === true) {
    const sub = nestedFields(graph, field.type);
    return field.isArray === true ? Array.from(v as ArrayLike<unknown>, (e) => jsonToWire(e, sub, graph)) : jsonToWire(v, sub, graph);
  }
  if (field.isArray === true) {
    if (field.type === 'uint8' && typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
    return Array.from(v as ArrayLike<unknown>, (e) => scalarToWire(field.type, e));
  }
  return scalarToWire(field.type, v);
}

function scalarToWire(type: string, v: unknown): unknown {
  if (type === 'int64' || type === 'uint64') return BigInt(v as number | string | bigint);
  // Validation let through only "NaN", "Infinity" and "-Infinity" as float strings.
  if (typeof v === 'string' && (type === 'float32' || type === 'float64')) return Number(v);
  return v;
}

function defaultWire(field: MessageDefinitionField, graph: TypeGraph): unknown {
  const element = (): unknown =>
    field.isComplex === true ? jsonToWire({}, nestedFields(graph, field.type), graph) : zeroOf(field.type);
  if (field.isArray === true) {
    if (Array.isArray(field.defaultValue)) return field.defaultValue.map((e: unknown) => scalarToWire(field.type, e));
    return Array.from({ length: field.arrayLength ?? 0 }, element);
  }
  if (field.defaultValue !== undefined) return scalarToWire(field.type, field.defaultValue);
  return element();
}

function zeroOf(type: string): unknown {
  switch (type) {
    case 'bool':
      return false;
    case 'string':
    case 'wstring':
      return '';
    case 'int64':
    case 'uint64':
      return 0n;
    default:
      return 0;
  }
}

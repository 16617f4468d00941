// OPC-UA scalar values ↔ JSON (docs/opcua.md "Value mapping"). Writes are checked against the node's
// DataType attribute read from the server: wrong JSON types, out-of-range integers and non-finite numbers
// are refused before anything is sent. 64-bit integers travel as decimal strings and are handled with
// BigInt only (never through a float).

/** Built-in DataType ids of OPC-UA Part 6 docs/introspection.md that writes support (ns=0;i=<id>). */
const BUILTIN = {
  Boolean: 1,
  SByte: 2,
  Byte: 3,
  Int16: 4,
  UInt16: 5,
  Int32: 6,
  UInt32: 7,
  Int64: 8,
  UInt64: 9,
  Float: 10,
  Double: 11,
  String: 12,
} as const;

export type BuiltinName = keyof typeof BUILTIN;
const NAME_OF = new Map<number, BuiltinName>(Object.entries(BUILTIN).map(([k, v]) => [v, k as BuiltinName]));

/** The built-in type name of a DataType NodeId (`ns=0;i=11` → Double), or undefined for other types. */
export function builtinOf(dataTypeNodeId: { namespace: number; value: unknown }): BuiltinName | undefined {
  return dataTypeNodeId.namespace === 0 && typeof dataTypeNodeId.value === 'number' ? NAME_OF.get(dataTypeNodeId.value) : undefined;
}

const INT_RANGE: Partial<Record<BuiltinName, [bigint, bigint]>> = {
  SByte: [-128n, 127n],
  Byte: [0n, 255n],
  Int16: [-32768n, 32767n],
  UInt16: [0n, 65535n],
  Int32: [-2147483648n, 2147483647n],
  UInt32: [0n, 4294967295n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  UInt64: [0n, 2n ** 64n - 1n],
};
const FLOAT_MAX = 3.4028234663852886e38;
/** Elements of an array value shown in a read. */
const MAX_ARRAY = 10_000;

/** A write refused before it reaches the server; `expected` names what the node takes. */
export class ValueTypeError extends Error {
  readonly code: string = 'opcua-value-type';
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
    this.name = 'ValueTypeError';
  }
}

/** node-opcua's [high, low] pair of a 64-bit integer → a BigInt. */
function fromPair(v: unknown, signed: boolean): bigint | undefined {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) return undefined;
  const u = (BigInt(v[0]) << 32n) | BigInt(v[1]);
  return signed && u >= 2n ** 63n ? u - 2n ** 64n : u;
}

function toPair(b: bigint): [number, number] {
  const u = b < 0n ? b + 2n ** 64n : b;
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
}

/** A scalar read from the server as JSON: numbers, booleans, strings; 64-bit integers as decimal strings. */
export function valueToJson(type: BuiltinName | undefined, value: unknown): unknown {
  if (type === 'Int64' || type === 'UInt64') {
    const b = fromPair(value, type === 'Int64');
    return b === undefined ? null : b.toString();
  }
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value); // NaN/±Infinity are not JSON
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // Arrays (typed arrays for numeric types) element by element, bounded.
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>).slice(0, MAX_ARRAY).map((v) => valueToJson(undefined, v));
  if (typeof value === 'object' && 'text' in value) return (value as { text: string | null }).text ?? null; // LocalizedText
  // Other OPC-UA types (NodeId, QualifiedName, structures): their text form.
  return String(value);
}

function integer(json: unknown, type: BuiltinName): bigint {
  let b: bigint | undefined;
  if (typeof json === 'number' && Number.isSafeInteger(json)) b = BigInt(json);
  else if (typeof json === 'string' && /^-?\d{1,20}$/.test(json)) b = BigInt(json);
  if (b === undefined) throw new ValueTypeError(`${type} needs an integer (a JSON number within ±2^53, or a decimal string)`, type);
  const [lo, hi] = INT_RANGE[type]!;
  if (b < lo || b > hi) throw new ValueTypeError(`${b} is outside the ${type} range ${lo}…${hi}`, type);
  return b;
}

/**
 * The value to write for a node of built-in `type`, checked: the JSON type must match, integers must fit,
 * floats must be finite. Returns what node-opcua's Variant expects for that type.
 */
export function jsonToValue(type: BuiltinName, json: unknown, maxString: number): unknown {
  switch (type) {
    case 'Boolean':
      if (typeof json !== 'boolean') throw new ValueTypeError('Boolean needs true or false', type);
      return json;
    case 'String':
      if (typeof json !== 'string') throw new ValueTypeError('String needs a JSON string', type);
      if (json.length > maxString) throw new ValueTypeError(`String is longer than ${maxString} characters`, type);
      return json;
    case 'Float':
    case 'Double':
      if (typeof json !== 'number' || !Number.isFinite(json)) throw new ValueTypeError(`${type} needs a finite JSON number`, type);
      if (type === 'Float' && Math.abs(json) > FLOAT_MAX) throw new ValueTypeError(`${json} is outside the Float range`, type);
      return json;
    case 'Int64':
    case 'UInt64':
      return toPair(integer(json, type));
    default:
      return Number(integer(json, type));
  }
}

/**
 * Whether a checked write value lies within the node's configured [min, max]; integers compare exactly
 * (BigInt against the bounds rounded inwards), floats as numbers.
 */
export function withinRange(type: BuiltinName, json: unknown, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (INT_RANGE[type]) {
    const b = BigInt(json as number | string);
    return (min === undefined || b >= BigInt(Math.ceil(min))) && (max === undefined || b <= BigInt(Math.floor(max)));
  }
  if (typeof json !== 'number') return true;
  return (min === undefined || json >= min) && (max === undefined || json <= max);
}

/** The value a threshold rule sees: numbers and booleans as they are, 64-bit decimal strings as (approximate) numbers. */
export function numericOf(json: unknown): number | boolean | undefined {
  if (typeof json === 'number' || typeof json === 'boolean') return json;
  if (typeof json === 'string' && /^-?\d{1,20}$/.test(json)) return Number(json);
  return undefined;
}

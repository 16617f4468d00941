/**
 * rcl_interfaces parameter values (docs/ros2.md) ↔ plain JavaScript values. Integers and doubles
 * are told apart by the declared type when there is one, else by whether the number is an integer.
 */

/** rcl_interfaces/msg/ParameterType values. */
export const ParameterType = {
  NOT_SET: 0,
  BOOL: 1,
  INTEGER: 2,
  DOUBLE: 3,
  STRING: 4,
  BYTE_ARRAY: 5,
  BOOL_ARRAY: 6,
  INTEGER_ARRAY: 7,
  DOUBLE_ARRAY: 8,
  STRING_ARRAY: 9,
} as const;

/** Names of the parameter types, lower case as `ros2 param` prints them. */
export const PARAMETER_TYPE_NAMES: Record<number, string> = {
  0: 'not set',
  1: 'bool',
  2: 'integer',
  3: 'double',
  4: 'string',
  5: 'byte array',
  6: 'bool array',
  7: 'integer array',
  8: 'double array',
  9: 'string array',
};

/** A parameter value in JavaScript: 64-bit integers beyond 2^53 come as decimal strings in integer fields. */
export type ParameterJsValue = boolean | number | bigint | string | Uint8Array | boolean[] | number[] | string[] | null;

/** rcl_interfaces/msg/ParameterValue in JSON form. */
export interface ParameterValueMsg {
  type: number;
  bool_value: boolean;
  integer_value: number | string;
  double_value: number | string;
  string_value: string;
  byte_array_value: number[];
  bool_array_value: boolean[];
  integer_array_value: Array<number | string>;
  double_array_value: Array<number | string>;
  string_array_value: string[];
}

/** rcl_interfaces/msg/Parameter in JSON form. */
export interface ParameterMsg {
  name: string;
  value: ParameterValueMsg;
}

/** An empty ParameterValue of type NOT_SET. */
export function emptyValue(): ParameterValueMsg {
  return {
    type: 0,
    bool_value: false,
    integer_value: 0,
    double_value: 0,
    string_value: '',
    byte_array_value: [],
    bool_array_value: [],
    integer_array_value: [],
    double_array_value: [],
    string_array_value: [],
  };
}

/** The parameter type a JS value would have (`hint` breaks the integer/double tie and types empty arrays). */
export function inferType(v: ParameterJsValue | undefined, hint?: number): number {
  if (v === null || v === undefined) return ParameterType.NOT_SET;
  if (typeof v === 'boolean') return ParameterType.BOOL;
  if (typeof v === 'bigint') return ParameterType.INTEGER;
  if (typeof v === 'number') return hint === ParameterType.DOUBLE || !Number.isInteger(v) ? ParameterType.DOUBLE : ParameterType.INTEGER;
  if (typeof v === 'string') return ParameterType.STRING;
  if (v instanceof Uint8Array) return ParameterType.BYTE_ARRAY;
  if (Array.isArray(v)) {
    if (v.length === 0) return hint !== undefined && hint >= ParameterType.BYTE_ARRAY ? hint : ParameterType.STRING_ARRAY;
    if (v.every((x) => typeof x === 'boolean')) return ParameterType.BOOL_ARRAY;
    if (v.every((x) => typeof x === 'string')) return ParameterType.STRING_ARRAY;
    if (v.every((x) => typeof x === 'number')) {
      if (hint === ParameterType.BYTE_ARRAY) return hint;
      return hint === ParameterType.DOUBLE_ARRAY || !v.every((x) => Number.isInteger(x)) ? ParameterType.DOUBLE_ARRAY : ParameterType.INTEGER_ARRAY;
    }
  }
  throw new TypeError(`cannot use ${JSON.stringify(v)} as a parameter value`);
}

/** JS value → ParameterValue (`type` forces the parameter type). */
export function toParameterValue(v: ParameterJsValue | undefined, type?: number): ParameterValueMsg {
  const t = type ?? inferType(v);
  const out = emptyValue();
  out.type = t;
  switch (t) {
    case ParameterType.BOOL:
      out.bool_value = Boolean(v);
      break;
    case ParameterType.INTEGER:
      out.integer_value = typeof v === 'bigint' ? v.toString() : (v as number);
      break;
    case ParameterType.DOUBLE:
      out.double_value = v as number;
      break;
    case ParameterType.STRING:
      out.string_value = String(v);
      break;
    case ParameterType.BYTE_ARRAY:
      out.byte_array_value = [...(v as Uint8Array | number[])];
      break;
    case ParameterType.BOOL_ARRAY:
      out.bool_array_value = v as boolean[];
      break;
    case ParameterType.INTEGER_ARRAY:
      out.integer_array_value = v as number[];
      break;
    case ParameterType.DOUBLE_ARRAY:
      out.double_array_value = v as number[];
      break;
    case ParameterType.STRING_ARRAY:
      out.string_array_value = v as string[];
      break;
  }
  return out;
}

/** ParameterValue → JS value (null for NOT_SET). */
export function fromParameterValue(p: ParameterValueMsg): ParameterJsValue {
  switch (p.type) {
    case ParameterType.BOOL:
      return p.bool_value;
    case ParameterType.INTEGER:
      return typeof p.integer_value === 'string' ? BigInt(p.integer_value) : p.integer_value;
    case ParameterType.DOUBLE:
      return Number(p.double_value);
    case ParameterType.STRING:
      return p.string_value;
    case ParameterType.BYTE_ARRAY:
      return Uint8Array.from(p.byte_array_value);
    case ParameterType.BOOL_ARRAY:
      return p.bool_array_value;
    case ParameterType.INTEGER_ARRAY:
      return p.integer_array_value.map(Number);
    case ParameterType.DOUBLE_ARRAY:
      return p.double_array_value.map(Number);
    case ParameterType.STRING_ARRAY:
      return p.string_array_value;
    default:
      return null;
  }
}

// ROS parameter values ↔ JSON (docs/resources.md type strings): the JSON type of a PUT value must match the
// parameter's ROS type; values come back as plain JSON (64-bit integers beyond 2^53 as strings).

/** rcl_interfaces/msg/ParameterType ids → the API's type strings. */
export const PARAMETER_TYPE_STRINGS: Record<number, string> = {
  0: 'not_set',
  1: 'bool',
  2: 'int',
  3: 'double',
  4: 'string',
  5: 'byte_array',
  6: 'bool_array',
  7: 'int_array',
  8: 'double_array',
  9: 'string_array',
};

export const NOT_SET = 0;

/** A parameter value as the ROS layer gives it. */
export type RosParameterValue = boolean | number | bigint | string | Uint8Array | boolean[] | number[] | string[] | null;

/** JSON form of a ROS parameter value. */
export function toJsonValue(v: RosParameterValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return [...v];
  return v;
}

const isInt = (x: unknown) => (typeof x === 'number' && Number.isInteger(x)) || (typeof x === 'string' && /^-?\d+$/.test(x));

/**
 * The ROS value for a JSON `value` of parameter type `type`, or a problem description when the JSON
 * type does not fit (integers may be sent as decimal strings beyond 2^53; doubles accept integers).
 */
export function fromJsonValue(value: unknown, type: number): { ok: true; value: RosParameterValue } | { ok: false; problem: string } {
  const want = PARAMETER_TYPE_STRINGS[type] ?? String(type);
  const bad = { ok: false as const, problem: `expected a value of type ${want}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
  const arr = (pred: (x: unknown) => boolean) => Array.isArray(value) && value.every(pred);
  switch (type) {
    case 1:
      return typeof value === 'boolean' ? { ok: true, value } : bad;
    case 2:
      if (!isInt(value)) return bad;
      return { ok: true, value: typeof value === 'string' ? BigInt(value) : (value as number) };
    case 3:
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : bad;
    case 4:
      return typeof value === 'string' ? { ok: true, value } : bad;
    case 5:
      return arr((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255) ? { ok: true, value: Uint8Array.from(value as number[]) } : bad;
    case 6:
      return arr((x) => typeof x === 'boolean') ? { ok: true, value: value as boolean[] } : bad;
    case 7:
      return arr((x) => typeof x === 'number' && Number.isInteger(x)) ? { ok: true, value: value as number[] } : bad;
    case 8:
      return arr((x) => typeof x === 'number' && Number.isFinite(x)) ? { ok: true, value: value as number[] } : bad;
    case 9:
      return arr((x) => typeof x === 'string') ? { ok: true, value: value as string[] } : bad;
    default:
      return { ok: false, problem: 'the parameter has no type (not set)' };
  }
}

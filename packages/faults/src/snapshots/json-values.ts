// JSON projection of captured values (docs/faults.md decision Q10) and the "primary value" of known message types
// shown as a freeze frame's `data` (docs/faults.md).

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A 64-bit integer as JSON: a number within ±(2^53−1), else a decimal string (docs/faults.md decision Q10). */
export function int64ToJson(v: bigint): number | string {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
}

/** Deep copy that JSON can carry: bigints per docs/faults.md decision Q10, typed arrays as arrays, Maps as objects. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return int64ToJson(value);
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number | bigint>;
    return Array.from(arr, (x) => toJsonSafe(x));
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonSafe(v)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJsonSafe(v);
  return out;
}

const PRIMARY_FIELD: Record<string, string> = {
  'std_msgs/msg/Float64': 'data',
  'std_msgs/msg/Float32': 'data',
  'std_msgs/msg/Int32': 'data',
  'std_msgs/msg/Int64': 'data',
  'std_msgs/msg/Bool': 'data',
  'std_msgs/msg/String': 'data',
  'sensor_msgs/msg/Temperature': 'temperature',
  'sensor_msgs/msg/BatteryState': 'percentage',
  'sensor_msgs/msg/FluidPressure': 'fluid_pressure',
  'sensor_msgs/msg/Range': 'range',
  'geometry_msgs/msg/Twist': 'linear',
  'nav_msgs/msg/Odometry': 'pose',
};

/** The message's primary value for known types, otherwise the whole message (docs/faults.md a). */
export function primaryValue(messageType: string, message: unknown): unknown {
  const field = PRIMARY_FIELD[messageType];
  if (field && message !== null && typeof message === 'object' && field in (message as object)) {
    return (message as Record<string, unknown>)[field];
  }
  return message;
}

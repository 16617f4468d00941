/** Numeric ranges and sizes of the ROS 2 primitive types, shared by validation, JSON Schema and CDR checks. */

/** Integer types with their inclusive range. */
export const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Strings that stand for non-finite floats in JSON. */
export const NON_FINITE_STRINGS: readonly string[] = ['NaN', 'Infinity', '-Infinity'];

/** Wire size in bytes of fixed-size primitives (XCDR1; alignment equals size). */
export const PRIMITIVE_SIZES: Readonly<Record<string, number>> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

/** True for 64-bit integer types (JSON numbers only while safe, decimal strings beyond). */
export const isWideInteger = (type: string): boolean => type === 'int64' || type === 'uint64';

/** True for float32/float64. */
export const isFloat = (type: string): boolean => type === 'float32' || type === 'float64';

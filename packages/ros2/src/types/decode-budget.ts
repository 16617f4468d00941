/**
 * How many values one decoded message may make (DecodeOptions.maxValues): what bounds the time a decode holds the
 * event loop, whatever the payload's size. A value is each string and number of the result; a struct counts 4 (an
 * object made twice, read and then in the JSON form), a float32 of the JSON form 8 (printing its shortest form: 3 µs
 * against 0.2–0.4 µs a value otherwise, on a 2-core EPYC), a primitive array kept as one typed array (native form,
 * uint8 as base64) 1. So weighed, 200,000 values decode in 30–80 ms whatever the shape (docs/benchmarks.md).
 */

export interface ValueBudget {
  maxValues: number;
  /** What one struct (message) counts. */
  structCost: number;
  /** Values a primitive field makes: `count` elements of an array, or one scalar (`count` undefined). */
  primitiveCost(type: string, count: number | undefined): number;
}

/** No bound (the walk only checks lengths). */
export const NO_BUDGET: ValueBudget = { maxValues: Infinity, structCost: 0, primitiveCost: () => 0 };

const STRUCT_COST = 4;
const FLOAT32_JSON_COST = 8;

/** The budget of a decode with these options (DecodeOptions' fields); NO_BUDGET without `maxValues`. */
export function valueBudget(opts: { maxValues?: number; form?: 'json' | 'native'; bytes?: 'array' | 'base64' }): ValueBudget {
  const maxValues = opts.maxValues;
  if (maxValues === undefined) return NO_BUDGET;
  const native = opts.form === 'native';
  return {
    maxValues,
    structCost: STRUCT_COST,
    primitiveCost(type, count) {
      if (count !== undefined && (native || (type === 'uint8' && opts.bytes === 'base64'))) return 1;
      return (count ?? 1) * (!native && type === 'float32' ? FLOAT32_JSON_COST : 1);
    },
  };
}

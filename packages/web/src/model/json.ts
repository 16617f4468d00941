// Small readers for untrusted JSON: the gateway passes peer and plugin items through verbatim,
// so the UI never assumes a field is there or has the documented type.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The `items` array of a collection envelope (docs/api.md), or [] for anything else. */
export function items(v: unknown): unknown[] {
  const list = obj(v).items;
  return Array.isArray(list) ? list : [];
}

/** The vendor object `x-medkit` of a body or item. */
export function xm(v: unknown): Obj {
  return obj(obj(v)['x-medkit']);
}

/** Epoch milliseconds from epoch seconds (number), epoch nanoseconds (big number) or an ISO string. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v > 1e17) return v / 1e6; // nanoseconds
    if (v > 1e11) return v; // already milliseconds
    return v * 1000; // seconds
  }
  if (typeof v === 'string' && v !== '') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

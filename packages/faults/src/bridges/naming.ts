// Code generation helpers shared by the bridges (docs/faults.md).

/** Upper-case ASCII letters/digits; every run of anything else becomes one `_`; no leading/trailing `_`. */
export function upperSnake(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** FNV-1a 32-bit over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let h = 2166136261;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

export const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** Clamps an integer parameter into [min, max]; non-finite → `def`. */
export function clampInt(v: unknown, min: number, max: number, def: number): number {
  const n = Number(v);
  if (!Number.isFinite(n)) return def;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

// Device strings made safe to show: what a plugin reads from a field device is untrusted input.

/** Bounds of a plugin nameplate. */
export const PLUGIN_IDENTITY_LIMITS = { text: 256, extras: 32 } as const;

/**
 * A device string made safe to show: C0/C1 control characters (and DEL) removed, trimmed, cut to `max`
 * characters (never in the middle of a surrogate pair). Non-strings give undefined.
 */
export function cleanText(v: unknown, max: number = PLUGIN_IDENTITY_LIMITS.text): string | undefined {
  if (typeof v !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const s = v.slice(0, max * 4).replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return Array.from(s).slice(0, max).join('') || undefined;
}

/**
 * Levenshtein distance of `a` and `b`, or `limit + 1` as soon as it is known to exceed `limit`: the work stops
 * early, so long names cost little when only near misses matter (misspelt topics, configuration keys).
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}

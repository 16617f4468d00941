// String distance for "did you mean" answers: a misspelt configuration key (the server core), topic or rule
// name (plugins). Here because the lowest layer is the one place both sides may import.

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

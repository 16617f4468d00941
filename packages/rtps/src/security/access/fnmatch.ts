// POSIX fnmatch() without flags, as DDS-Security uses it for topic and partition expressions (packages/rtps/README.md,
// packages/rtps/README.md): `*` any run of characters (including `/`), `?` one character, `[...]` a set with ranges and
// `!` (or `^`) negation, `\` escapes the next character. Iterative with single-star backtracking, so the cost is
// bounded by pattern length × name length; both are capped by the callers' document limits.

function setMatch(p: string, at: number, ch: string): { end: number; ok: boolean } | undefined {
  let i = at + 1;
  let negate = false;
  if (p[i] === '!' || p[i] === '^') {
    negate = true;
    i++;
  }
  let ok = false;
  let first = true;
  for (; i < p.length; i++) {
    if (p[i] === ']' && !first) return { end: i + 1, ok: ok !== negate };
    first = false;
    let lo = p[i];
    if (lo === '\\' && i + 1 < p.length) lo = p[++i];
    let hi = lo;
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      hi = p[i + 2] === '\\' && i + 3 < p.length ? p[i + 3] : p[i + 2];
      i += p[i + 2] === '\\' ? 3 : 2;
    }
    if (ch >= lo && ch <= hi) ok = true;
  }
  return undefined; // no closing bracket: `[` is literal
}

export function fnmatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = ++p;
      starN = n;
      continue;
    }
    if (p < pattern.length) {
      if (c === '?') {
        p++;
        n++;
        continue;
      }
      if (c === '[') {
        const s = setMatch(pattern, p, name[n]);
        if (s) {
          if (s.ok) {
            p = s.end;
            n++;
            continue;
          }
        } else if (name[n] === '[') {
          p++;
          n++;
          continue;
        }
      } else {
        const lit = c === '\\' && p + 1 < pattern.length ? pattern[p + 1] : c;
        if (lit === name[n]) {
          p += c === '\\' && p + 1 < pattern.length ? 2 : 1;
          n++;
          continue;
        }
      }
    }
    if (starP < 0) return false;
    p = starP;
    n = ++starN;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

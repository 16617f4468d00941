// Every error class of the sources carries a stable `code` (its own or its base class's), so callers tell errors
// apart by class or code, never by `err.name` (issue 38). The classes are read from the source text: a class
// whose chain of bases reaches the built-in Error is an error class.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') && e.name !== 'generated.ts')
    .map((e) => join(e.parentPath, e.name));
}

interface ErrorClass {
  file: string;
  base: string;
  hasCode: boolean;
}

/** The classes declared in `text` with their base and whether the class itself declares or sets `code`. */
function classesOf(file: string, text: string): [string, ErrorClass][] {
  const out: [string, ErrorClass][] = [];
  for (const m of text.matchAll(/^(?:export\s+)?(?:abstract\s+)?class\s+(\w+)\s+extends\s+([\w.]+)[^{]*\{/gm)) {
    // Classes are declared at the top level: the body ends at the first closing brace in column 0.
    const start = m.index + m[0].length;
    const end = text.startsWith('}', start) ? start : text.indexOf('\n}', start);
    const body = m[0] + text.slice(start, end === -1 ? undefined : end);
    out.push([m[1], { file, base: m[2], hasCode: /\breadonly code\b|\bcode[?!]?:\s|\bthis\.code\s*=/.test(body) }]);
  }
  return out;
}

describe('error classes', () => {
  const classes = new Map<string, ErrorClass[]>();
  for (const pkg of readdirSync(join(ROOT, 'packages'))) {
    let files: string[];
    try {
      files = sources(join(ROOT, 'packages', pkg, 'src'));
    } catch {
      continue;
    }
    for (const file of files) {
      for (const [name, c] of classesOf(relative(ROOT, file), readFileSync(file, 'utf8'))) classes.set(name, [...(classes.get(name) ?? []), c]);
    }
  }
  /** True when `c`'s chain of bases (resolved by name within the sources) reaches Error, and whether a class on it has a code. */
  const chain = (c: ErrorClass, seen = new Set<ErrorClass>()): { error: boolean; code: boolean } => {
    if (seen.has(c)) return { error: false, code: c.hasCode };
    seen.add(c);
    if (c.base === 'Error') return { error: true, code: c.hasCode };
    const bases = classes.get(c.base);
    if (!bases) return { error: false, code: c.hasCode };
    const up = bases.map((b) => chain(b, seen));
    return { error: up.some((u) => u.error), code: c.hasCode || up.every((u) => u.code) };
  };
  const errorClasses = [...classes.entries()].flatMap(([name, cs]) => cs.map((c) => ({ name, c, ...chain(c) }))).filter((x) => x.error);

  it('are found in the sources (the scan reads what it should)', () => {
    expect(errorClasses.length).toBeGreaterThan(50);
    expect(errorClasses.find((x) => x.name === 'ConfigError')).toMatchObject({ code: true, c: { file: 'packages/kit/src/config/errors.ts' } });
    expect(errorClasses.find((x) => x.name === 'FaultStoreUnavailable')).toMatchObject({ code: true, c: { hasCode: false } });
  });

  it('each carry a stable code, their own or their base class\'s', () => {
    expect(errorClasses.filter((x) => !x.code).map((x) => `${x.c.file}: ${x.name}`)).toEqual([]);
  });
});

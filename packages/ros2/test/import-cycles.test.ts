// No import circle inside packages/ros2/src (type-only imports included): actions, parameters,
// lifecycle and the logger take the NodeHost seam, the context's helpers ContextServices, so
// client/node.ts and client/context.ts sit at the top of the graph. Same check for rtps.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Relative imports of every .ts file under `root` (import and re-export, type-only included). */
function importGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(root);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    const deps = [...src.matchAll(/^(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
    graph.set(f, deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), as paths relative to `root`. */
function cycles(root: string): string[][] {
  const graph = importGraph(root);
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(relative(root, w));
    } while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import graph', () => {
  it('packages/ros2/src has no import circle', () => {
    expect(cycles(join(packages, 'ros2/src'))).toEqual([]);
  });

  it('packages/rtps/src has no import circle', () => {
    expect(cycles(join(packages, 'rtps/src'))).toEqual([]);
  });

  it('the check finds a circle when there is one (type-only imports count)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-cycles-'));
    try {
      mkdirSync(join(dir, 'client'));
      writeFileSync(join(dir, 'client/node.ts'), "import { A } from '../a.js';\nexport class N {}\n");
      writeFileSync(join(dir, 'a.ts'), "import type { N } from './client/node.js';\nexport class A {}\n");
      writeFileSync(join(dir, 'b.ts'), "import { A } from './a.js';\n");
      expect(cycles(dir)).toEqual([['a.ts', 'client/node.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

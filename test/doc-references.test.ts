// The project carries its own contract (issue 38): every `*.md` document the sources, the package READMEs, the
// user docs, the examples and the served OpenAPI text (its snapshots in test/fixtures) name is in the repository,
// so a reader can follow each reference. Web addresses are left out.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', 'bundle', 'build']);

function walk(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('bundle.')) out.push(...walk(path, keep));
    } else if (keep(e.name)) out.push(path);
  }
  return out;
}

const code = (n: string) => /\.(ts|tsx|mts|js|mjs|css)$/.test(n) && !n.endsWith('.d.ts');
const texts = [
  ...readdirSync(join(ROOT, 'packages')).flatMap((p) => [
    ...walk(join(ROOT, 'packages', p, 'src'), code),
    ...readdirSync(join(ROOT, 'packages', p)).filter((n) => /^README.*\.md$/.test(n)).map((n) => join(ROOT, 'packages', p, n)),
  ]),
  ...walk(join(ROOT, 'docs'), (n) => n.endsWith('.md')),
  ...walk(join(ROOT, 'examples'), (n) => n.endsWith('.md') || code(n)),
  join(ROOT, 'README.md'),
  ...walk(join(ROOT, 'test', 'fixtures'), (n) => /^openapi-.*\.json$/.test(n)),
];

/** `docs/faults.md`, `README-types.md`, `../../docs/api.md`: a document name, not part of a longer path or address. */
const REFERENCE = /(?<![\w/.:-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w-]+\.md)\b/g;

/** Where a reference from `file` may point: from the repository root, the file's folder, docs/, or its package. */
function resolves(file: string, ref: string): boolean {
  const pkg = /^(.*\/packages\/[^/]+)\//.exec(file)?.[1];
  return [join(ROOT, ref), join(dirname(file), ref), join(ROOT, 'docs', ref), ...(pkg ? [join(pkg, ref)] : [])].some((p) => existsSync(p) && statSync(p).isFile());
}

function dangling(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const before = text.slice(Math.max(0, m.index - 200), m.index);
    if (/https?:\/\/\S*$/.test(before)) continue;
    if (!resolves(file, m[1])) out.push(`${relative(ROOT, file)}: ${m[1]}`);
  }
  return out;
}

describe('document references', () => {
  it('are read from the sources, docs and the OpenAPI snapshots', () => {
    expect(texts.length).toBeGreaterThan(500);
    expect(texts.some((f) => f.endsWith('openapi-default.json'))).toBe(true);
  });

  it('find a dangling one (the check can fail)', () => {
    expect(dangling(join(ROOT, 'packages/faults/src/x.ts'), 'as in spec/faults.md §8.1, docs/faults.md and https://example.com/a.md')).toEqual([
      'packages/faults/src/x.ts: spec/faults.md',
    ]);
  });

  it('each name a document in the repository', () => {
    expect(texts.flatMap((f) => dangling(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});

/** A decision label (`Q7`, `D3`) in a source, and whether the same line names the document that defines it. */
const LABEL = /\b([QD]\d{1,2})\b/g;
function unlinkedLabels(file: string, text: string): string[] {
  const decided = readFileSync(join(ROOT, 'docs/faults.md'), 'utf8');
  return text.split('\n').flatMap((line, i) => [...line.matchAll(LABEL)]
    .filter((m) => !/docs\/faults\.md/.test(line) || !decided.includes(`**${m[1]}**`))
    .map((m) => `${relative(ROOT, file)}:${i + 1}: ${m[1]}`));
}

describe('decision labels (issue 58)', () => {
  it('find a label without its document (the check can fail)', () => {
    expect(unlinkedLabels(join(ROOT, 'packages/faults/src/x.ts'), '// evicts (Q7)\n// evicts (docs/faults.md decision Q7)\n// docs/faults.md decision Q99')).toEqual([
      'packages/faults/src/x.ts:1: Q7', 'packages/faults/src/x.ts:3: Q99',
    ]);
  });

  it('name docs/faults.md, which defines each of them, on the same line', () => {
    const sources = texts.filter((f) => /\/packages\/[^/]+\/src\//.test(f) && !f.endsWith('generated.ts'));
    expect(sources.flatMap((f) => unlinkedLabels(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});

// scripts/check-deps.mjs (run by `npm run lint`): a package declares as a runtime dependency only what its
// src/ imports (issue 58). This proves the check holds on the tree as it is, and that it fails on a fake
// workspace whose package declares what its sources do not import.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDeps, packageOf } from '../../scripts/check-deps.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A workspace in a temporary directory laid out from `files` (path → text). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-check-deps-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const FAKE = {
  'packages/fake/package.json': JSON.stringify({
    name: '@medkit/fake',
    dependencies: { used: '^1.0.0', '@scope/lazy': '^2.0.0', 'types-only': '^1.0.0', unused: '^3.0.0' },
    optionalDependencies: { 'optional-unused': '^1.0.0' },
    devDependencies: { 'test-only': '^1.0.0' },
  }),
  'packages/fake/src/index.ts': "import { a } from 'used/sub';\nimport type { T } from 'types-only';\nexport const lazy = () => import('@scope/lazy/deep');\nexport type { T };\nexport { a };\n",
  'packages/fake/test/index.test.ts': "import 'test-only';\nimport 'unused';\n",
};

describe('check-deps', () => {
  it('passes on the tree as it is', () => {
    expect(checkDeps(ROOT)).toEqual([]);
  });

  it('names the package of a bare specifier, and none for relative or node: ones', () => {
    expect(['@a/b/c.js', 'pino/file', 'fastify', './x.js', 'node:fs', '/abs'].map(packageOf)).toEqual(['@a/b', 'pino', 'fastify', undefined, undefined, undefined]);
  });

  it('fails on a declared runtime dependency no source imports, even one its tests import', () => {
    const problems = checkDeps(workspace(FAKE), {});
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^packages\/fake\/package\.json: @medkit\/fake declares unused, which no file of its src\/ imports/);
    expect(problems[1]).toMatch(/@medkit\/fake declares optional-unused,/);
  });

  it('lets an allow-listed dependency pass, and fails when the allow-list entry is no longer needed', () => {
    const dir = workspace(FAKE);
    expect(checkDeps(dir, { '@medkit/fake': { unused: 'loaded by name', 'optional-unused': 'loaded by name' } })).toEqual([]);
    expect(checkDeps(dir, { '@medkit/fake': { unused: 'loaded by name', 'optional-unused': 'loaded by name', used: 'stale' } })).toEqual([
      "scripts/check-deps.mjs: @medkit/fake's src/ imports used; its allow-list entry is no longer needed",
    ]);
  });

  it('as the lint step, exits non-zero naming the dependency', () => {
    const dir = workspace(FAKE);
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/check-deps.mjs'), join(dir, 'scripts/check-deps.mjs'));
    const run = spawnSync(process.execPath, [join(dir, 'scripts/check-deps.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('@medkit/fake declares unused');
  });
});

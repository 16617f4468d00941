// The tests' own types: vitest runs test files without checking their types, so a test calling an API whose
// signature changed would only fail at run time, if at all. tsconfig.tests.json checks the tests and
// test-support against the sources, the way vitest's aliases resolve them.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('the tests type-check', () => {
  it('tsc -p tsconfig.tests.json reports no error', () => {
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.tests.json', '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    const errors = r.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([]);
    expect(r.status).toBe(0);
    // The whole tests' program takes 30 s on a quiet 2-core box and 90 s when the suite's other files run beside it.
  }, 300_000);
});

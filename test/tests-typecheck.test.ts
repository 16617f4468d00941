// The tests' own types: vitest runs test files without checking their types, so a test calling an API whose
// signature changed would only fail at run time, if at all. tsconfig.tests.json checks the tests and
// test-support against the sources, the way vitest's aliases resolve them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TSC as tsc } from '../test-support/medkit-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the tests type-check', () => {
  it('tsc -p tsconfig.tests.json reports no error', () => {
    // The packages first (up to date after `npm ci`'s build: seconds): tsconfig.tests.json reads their sources as the
    // declarations tsc -b emits, and checks the tests against those.
    const built = spawnSync(process.execPath, [tsc, '-b', '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    expect(built.stdout.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
    expect(built.status).toBe(0);
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.tests.json', '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    const errors = r.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([]);
    expect(r.status).toBe(0);
    // The tests' program took 30 s on a quiet 2-core box and 90 s beside the suite's other files while it checked the
    // packages' sources too (now their declarations: 60 -> 33 s at load 4).
  }, 300_000);
});

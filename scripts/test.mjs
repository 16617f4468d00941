#!/usr/bin/env node
// Runs the whole test suite (every package) with vitest and ends with one plain summary line
// ("tests: N passed, N failed, N skipped") that CI tooling can read whatever the runner prints.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.test-artifacts');
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, 'vitest-results.json');

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit', cwd: root, env: process.env });

let summary = 'tests: 0 passed, 0 failed';
if (existsSync(jsonFile)) {
  try {
    const r = JSON.parse(readFileSync(jsonFile, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A suite that failed outside its tests (a failing beforeAll, an import error) counts as a failure
    // even though none of its tests failed (they are reported as skipped).
    const failedSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed, ${skipped} skipped`;
  } catch (err) {
    console.error(`could not read ${jsonFile}: ${err}`);
  }
}
console.log(summary);
process.exit(run.status ?? 1);

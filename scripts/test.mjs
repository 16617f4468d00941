#!/usr/bin/env node
// Runs the whole test suite (every package) with vitest and ends with one plain summary line
// ("tests: N passed, N failed, N skipped") that CI tooling can read whatever the runner prints.
// The run's ROS domains start at MEDKIT_TEST_DOMAIN_BASE; unset, the run takes a free domain slot
// (test-support/domain-slots.mjs) so two suites on one machine never share a domain.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DOMAIN_SPAN, MAX_BASE, SLOT_BASES, slotDir, tryAcquireDomainSlot } from '../test-support/domain-slots.mjs';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.test-artifacts');
mkdirSync(outDir, { recursive: true });
const resultsFile = join(outDir, 'vitest-results.json');
// Written under a per-run name and renamed at the end, so two runs in one checkout do not read each other's.
const jsonFile = join(outDir, `vitest-results.${process.pid}.json`);

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)];
/** The run's domain base: the caller's, or a free slot (waiting while every slot is taken). */
async function domainBase() {
  const given = process.env.MEDKIT_TEST_DOMAIN_BASE;
  if (given !== undefined && given !== '') {
    console.log(`ROS test domains: ${given}..${Number(given) + DOMAIN_SPAN - 1} (MEDKIT_TEST_DOMAIN_BASE)`);
    return given;
  }
  let told = false;
  // Bounded: a lock whose pid was reused by an unrelated process would otherwise block forever.
  const giveUpAt = Date.now() + 60 * 60_000;
  for (;;) {
    const slot = tryAcquireDomainSlot();
    if ('base' in slot) {
      process.on('exit', slot.release);
      console.log(`ROS test domains: ${slot.base}..${slot.base + DOMAIN_SPAN - 1} (slot ${slot.slot + 1} of ${SLOT_BASES.length}, ${slot.lockFile}; MEDKIT_TEST_DOMAIN_BASE overrides)`);
      return String(slot.base);
    }
    if (!told) console.log(`ROS test domains: every slot is taken (test runs with pids ${slot.busy.join(', ')}, locks in ${slotDir()}); waiting for one to end`);
    told = true;
    if (Date.now() > giveUpAt) {
      console.error(`ROS test domains: no slot came free within an hour; set MEDKIT_TEST_DOMAIN_BASE (0..${MAX_BASE}) or remove stale locks in ${slotDir()}`);
      process.exit(1);
    }
    await sleep(2000);
  }
}

const env = { ...process.env, MEDKIT_TEST_DOMAIN_BASE: await domainBase() };
const run = spawnSync('npx', args, { stdio: 'inherit', cwd: root, env });

let summary = 'tests: 0 passed, 0 failed';
if (existsSync(jsonFile)) {
  try {
    const r = JSON.parse(readFileSync(jsonFile, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A suite that failed outside its tests (a failing beforeAll, an import error) counts as a failure
    // even though none of its tests failed (they are reported as skipped).
    const failedSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed, ${skipped} skipped`;
    renameSync(jsonFile, resultsFile);
  } catch (err) {
    console.error(`could not read ${jsonFile}: ${err}`);
  }
}
console.log(summary);
process.exit(run.status ?? 1);

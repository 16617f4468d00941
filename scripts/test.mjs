#!/usr/bin/env node
// Runs the whole test suite (every package) with vitest and ends with one plain summary line
// ("tests: N passed, N failed, N skipped") that CI tooling can read whatever the runner prints.
// The run's ROS domains start at MEDKIT_TEST_DOMAIN_BASE; unset, the run takes a free domain slot
// (test-support/domain-slots.mjs) so two suites on one machine never share a domain.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DOMAIN_SPAN, MAX_BASE, SLOT_BASES, slotDir, tryAcquireDomainSlot } from '../test-support/domain-slots.mjs';
import { EXCLUSIVE, PAIRED } from './exclusive-tests.mjs';
import { prebuildNice, testRetries } from './test-order.mjs';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.test-artifacts');
mkdirSync(outDir, { recursive: true });
const resultsFile = join(outDir, 'vitest-results.json');
// Written under a per-run name and renamed at the end, so two runs in one checkout do not read each other's.
const jsonFile = join(outDir, `vitest-results.${process.pid}.json`);

/**
 * Tests that run alone after the rest, one file at a time. The RTPS fuzz test bounds the gateway's own
 * responsiveness (/health within 100 ms while it is fuzzed): on a 2-core machine a parallel test file's
 * CPU would be counted against the gateway. The two whole-demo tests (the robot demo in a browser, the
 * local fleet) each run a launcher with many processes and rebuild or serve the web UI's files: run
 * beside each other they were seen to disturb one another. The secured demo (five secured processes whose every
 * handshake, token exchange and sample is crypto on the main thread) took minutes where it takes seconds alone,
 * beside another file on two cores, and timed out. The stale-tabs browser test loads the box with two busy loops on
 * purpose: beside other files it would slow them all. Two of them (PAIRED) that mostly wait for their peers' leases
 * run last, beside each other only. A run with explicit arguments (a filter) runs as asked, in one pass.
 */
// The list: scripts/exclusive-tests.mjs.
const extra = process.argv.slice(2);
const ALONE = EXCLUSIVE.filter((f) => !PAIRED.includes(f));
/** Each pass: vitest's arguments, and how the log names it (the first pass is not named). */
const passes = extra.length > 0 ? [{ args: extra }] : [{ args: EXCLUSIVE.map((f) => `--exclude=${f}`) }, { args: ['--no-file-parallelism', ...ALONE], label: `running alone: ${ALONE.join(' ')}` }, { args: PAIRED, label: `running two at a time: ${PAIRED.join(' ')}` }];
/**
 * A whole-suite run tries a failed test once more (MEDKIT_TEST_RETRY sets how many more; 0 for none): the suite runs
 * ~400 files of real DDS peers, browsers and servers on a loaded 2-core box, where a rare timing loss in one of
 * ~3,000 tests would otherwise fail the whole run. A test that passed only on a second try is listed at the end
 * (scripts/flaky-reporter.mjs, .test-artifacts/flaky.jsonl) with what its first try said; a test that fails every
 * try fails the run. A run with explicit arguments tries each test once unless MEDKIT_TEST_RETRY says otherwise.
 */
const retries = testRetries(process.env.MEDKIT_TEST_RETRY, extra.length > 0);
const flakyFile = join(outDir, `flaky.${process.pid}.jsonl`);
rmSync(join(outDir, 'flaky.jsonl'), { force: true }); // the last run's list, not this one's
const vitestArgs = (pass, out) => [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--reporter=${join(root, 'scripts/flaky-reporter.mjs')}`,
  `--outputFile.json=${out}`,
  `--retry=${retries}`,
  ...pass,
];
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

const env = { ...process.env, MEDKIT_TEST_DOMAIN_BASE: await domainBase(), MEDKIT_FLAKY_FILE: flakyFile };

/**
 * A whole-suite run builds the packaging tests' artefacts in the background from the start, below the tests'
 * priority; those tests run last (scripts/test-order.mjs says why). Its failure fails nothing by itself: each
 * packaging test asks for its artefacts again and reports what the packager says. MEDKIT_TEST_PREBUILD=0 leaves it out;
 * MEDKIT_TEST_PREBUILD_NICE sets its priority (test-order.mjs prebuildNice).
 */
function startPrebuild() {
  if (extra.length > 0 || process.env.MEDKIT_TEST_PREBUILD === '0') return undefined;
  const log = join(outDir, 'package-prebuild.log');
  const fd = openSync(log, 'w');
  const child = spawn('nice', ['-n', String(prebuildNice(process.env.MEDKIT_TEST_PREBUILD_NICE)), process.execPath, join(root, 'scripts/package.mjs')], { cwd: root, stdio: ['ignore', fd, fd] });
  const ended = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(`exit ${code ?? signal}`));
    child.on('error', (err) => resolve(err.message));
  });
  console.log(`packaging artefacts: building in the background for test/packaging (${log})`);
  return ended;
}
const prebuild = startPrebuild();
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [i, { args: pass, label }] of passes.entries()) {
  const out = passes.length > 1 ? jsonFile.replace(/\.json$/, `.pass${i + 1}.json`) : jsonFile;
  if (i > 0) {
    // Nothing of the packager runs beside the tests that run alone.
    if (prebuild) console.log(`packaging artefacts: background build ended (${await prebuild})`);
    console.log(`\n${label}`);
  }
  const run = spawnSync('npx', vitestArgs(pass, out), { stdio: 'inherit', cwd: root, env });
  if ((run.status ?? 1) !== 0) status = run.status ?? 1;
  if (!existsSync(out)) {
    totals.failed++;
    continue;
  }
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    // A suite that failed outside its tests (a failing beforeAll, an import error) counts as a failure
    // even though none of its tests failed (they are reported as skipped).
    const failedSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + failedSuites;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    renameSync(out, i === 0 ? resultsFile : resultsFile.replace(/\.json$/, `.pass${i + 1}.json`));
  } catch (err) {
    console.error(`could not read ${out}: ${err}`);
    totals.failed++;
  }
}
const flaky = existsSync(flakyFile) ? readFileSync(flakyFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
if (flaky.length > 0) {
  console.log(`\n${flaky.length} test(s) passed only when tried again; each is a finding to look into:`);
  for (const f of flaky) console.log(`  ${f.file} > ${f.test} (${f.tries} tries)${f.errors.length ? `: ${f.errors.join(' | ')}` : ''}`);
  renameSync(flakyFile, join(outDir, 'flaky.jsonl'));
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);

#!/usr/bin/env node
// Runs the whole test suite (every package) with vitest and ends with one plain summary line
// ("tests: N passed, N failed, N skipped") that CI tooling can read whatever the runner prints.
// The run's ROS domains start at MEDKIT_TEST_DOMAIN_BASE; unset, the run takes a free domain slot
// (test-support/domain-slots.mjs) so two suites on one machine never share a domain.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DOMAIN_SPAN, MAX_BASE, SLOT_BASES, slotDir, tryAcquireDomainSlot } from '../test-support/domain-slots.mjs';
import { EXCLUSIVE, NOT_IN_FIRST_PASS, PAIRED, WAITING } from './exclusive-tests.mjs';
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
 * run last, beside each other only. The files that mostly wait (WAITING: peers' leases, outages held on purpose) run
 * one at a time in a lane of their own beside the first pass: there they use the CPU the first pass leaves idle while
 * they wait, where in the first pass each held one of its two workers. A run with explicit arguments (a filter) runs
 * as asked, in one pass.
 */
// The lists: scripts/exclusive-tests.mjs.
const extra = process.argv.slice(2);
const ALONE = EXCLUSIVE.filter((f) => !PAIRED.includes(f));
/**
 * The stages, one after the other; each stage's passes run at once. A pass: vitest's arguments, how the log names
 * it (the first pass is not named), and for a pass beside another, the file its output goes to (printed when the
 * stage ends, so the two logs do not interleave).
 */
const stages =
  extra.length > 0
    ? [[{ args: extra }]]
    : [
        [
          { args: NOT_IN_FIRST_PASS.map((f) => `--exclude=${f}`) },
          { args: ['--no-file-parallelism', ...WAITING], label: `waiting lane, beside the first pass: ${WAITING.join(' ')}`, log: join(outDir, 'waiting-lane.log') },
        ],
        [{ args: ['--no-file-parallelism', ...ALONE], label: `running alone: ${ALONE.join(' ')}` }],
        [{ args: PAIRED, label: `running two at a time: ${PAIRED.join(' ')}` }],
      ];
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
/** Runs one pass of vitest to its end: its exit status (1 when it could not start). */
function runPass({ args, log }, out) {
  const fd = log ? openSync(log, 'w') : undefined;
  const child = spawn('npx', vitestArgs(args, out), { stdio: fd === undefined ? 'inherit' : ['ignore', fd, fd], cwd: root, env });
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  }).finally(() => fd !== undefined && closeSync(fd));
}
/** Adds a pass's results to the totals and keeps its JSON under its pass number (the first as vitest-results.json). */
function count(out, n) {
  if (!existsSync(out)) {
    totals.failed++;
    return;
  }
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    // A suite that failed outside its tests (a failing beforeAll, an import error) counts as a failure
    // even though none of its tests failed (they are reported as skipped).
    const failedSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + failedSuites;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    renameSync(out, n === 1 ? resultsFile : resultsFile.replace(/\.json$/, `.pass${n}.json`));
  } catch (err) {
    console.error(`could not read ${out}: ${err}`);
    totals.failed++;
  }
}
const many = stages.flat().length > 1;
let n = 0;
for (const [i, stage] of stages.entries()) {
  const passes = stage.map((pass) => ({ ...pass, n: ++n, out: many ? jsonFile.replace(/\.json$/, `.pass${n}.json`) : jsonFile }));
  if (i > 0) {
    // Nothing of the packager runs beside the tests that run alone.
    if (prebuild) console.log(`packaging artefacts: background build ended (${await prebuild})`);
    console.log(`\n${passes[0].label}`);
  }
  for (const p of passes.slice(1)) console.log(`${p.label} (its output: ${p.log}, printed when it ends)`);
  const codes = await Promise.all(passes.map((p) => runPass(p, p.out)));
  for (const [k, p] of passes.entries()) {
    if (p.log) console.log(`\n${p.label}:\n${readFileSync(p.log, 'utf8')}`);
    if (codes[k] !== 0) status = codes[k];
    count(p.out, p.n);
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

#!/usr/bin/env node
// The long RTPS fuzz run: the gateway fuzz test (packages/gateway/test/ros/rtps-fuzz.test.ts)
// with more datagrams. Prints the run's numbers (datagrams, duration, max event-loop delay,
// max RSS, /health latency, any failure) for docs/benchmarks.md. `--secure` runs the secured
// gateway's test instead (rtps-fuzz-secure.test.ts: mutations of captured secured traffic), whose
// numbers add the drops counted by reason. `--placed` runs the placed-path campaign instead (packages/rtps/test/
// fuzz.test.ts, "fuzzing the placed path": forged DATA_FRAGs from the addon's live aim among a real fragmented stream;
// `--datagrams` forged ones), whose numbers are the datagrams placed and the samples delivered and checked.
// scripts/fuzz-native-asan.mjs runs that campaign against the addon built with AddressSanitizer and UBSan.
//
//   npm run fuzz:rtps -- --datagrams 1000000 [--seed N] [--rate datagrams-per-second] [--secure]
//   npm run fuzz:rtps:placed -- --datagrams 300000 [--seed N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { datagrams: { type: 'string', default: '1000000' }, seed: { type: 'string' }, rate: { type: 'string' }, secure: { type: 'boolean' }, placed: { type: 'boolean' } } });
const secure = values.secure === true;
const placed = values.placed === true;
delete values.secure;
delete values.placed;
for (const [k, v] of Object.entries(values)) {
  if (v !== undefined && !/^[1-9][0-9]*$/.test(v)) {
    console.error(`--${k} must be a positive integer, got '${v}'`);
    process.exit(2);
  }
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'medkit-fuzz-rtps-'));
const report = join(dir, 'report.json');
const env = { ...process.env, RTPS_FUZZ_DATAGRAMS: values.datagrams, RTPS_FUZZ_PLACED_DATAGRAMS: values.datagrams, RTPS_FUZZ_REPORT: report };
if (values.seed) env.RTPS_FUZZ_SEED = values.seed;
if (values.rate) env.RTPS_FUZZ_RATE = values.rate;
const started = new Date();
if (placed) process.exit(runPlaced());
const test = secure ? 'packages/gateway/test/ros/rtps-fuzz-secure.test.ts' : 'packages/gateway/test/ros/rtps-fuzz.test.ts';
const run = spawnSync('npx', ['vitest', 'run', test], { cwd: root, env, stdio: 'inherit' });
const r = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
rmSync(dir, { recursive: true, force: true });
const mib = (b) => (b / 1048576).toFixed(0);
console.log(`\n${secure ? 'secured ' : ''}rtps fuzz run started ${started.toISOString()}, exit ${run.status}`);
if (r) {
  console.log(`datagrams sent ${r.sent} (received by the gateway ${r.receivedByTarget}) at <= ${r.rate}/s, seed ${r.seed}`);
  console.log(`duration ${(r.durationMs / 1000).toFixed(1)} s, ${secure ? 'liveness probes (the real peer\'s samples)' : 'heartbeat round trips'} ${r.roundTrips}, protocol violations counted ${r.violations}, malformed ${r.malformed}`);
  console.log(`max event-loop delay ${r.maxEventLoopDelayMs.toFixed(0)} ms, max GC pause ${r.maxGcPauseMs.toFixed(0)} ms`);
  console.log(`RSS ${mib(r.startRssBytes)} MiB at start, max ${mib(r.maxRssBytes)} MiB (growth ${mib(r.rssGrowthBytes)} MiB)`);
  console.log(`/health: ${r.healthChecks} checks, p99 ${r.p99HealthMs} ms, max ${r.maxHealthMs} ms, failures ${r.healthFailures}`);
  if (secure) {
    console.log(`captured ${r.captured} datagrams of the secured peer; secured runs opened ${r.secured.opened}, dropped ${r.secured.dropped}, clear ones refused ${r.secured.clearRefused}`);
    console.log(`drops by reason: ${Object.entries(r.drops).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`the real secured peer after the run: ${r.peerAuthenticated ? 'authenticated' : 'NOT authenticated'}, its samples delivered (liveness probes ${r.roundTrips}, samples ${r.samplesAfter})`);
  } else console.log(`real writer -> reader in the gateway's participant after the run: ${r.realTrafficDelivered ? 'delivered' : 'NOT delivered'}`);
} else {
  console.log('no report: the run failed before the campaign finished (see the output above)');
}
process.exit(run.status ?? 1);

/** The placed-path campaign: its test, then its numbers. */
function runPlaced() {
  const run = spawnSync('npx', ['vitest', 'run', 'packages/rtps/test/fuzz.test.ts', '-t', 'fuzzing the placed path'], { cwd: root, env, stdio: 'inherit' });
  const r = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nplaced-path rtps fuzz run started ${started.toISOString()}, exit ${run.status}, addon ${r?.addon ?? '?'}`);
  if (!r) {
    console.log('no report: the run failed before the campaign finished (see the output above)');
    return run.status ?? 1;
  }
  console.log(`forged datagrams ${r.forged} at <= ${r.rate}/s, seed ${r.seed}, ${(r.durationMs / 1000).toFixed(1)} s`);
  console.log(`datagrams received ${r.datagramsIn}, placed ${r.placedIn}; samples written ${r.written}, delivered ${r.delivered} (real size ${r.exact}, forged sizes ${r.otherSize}), wrong ${r.wrong.length}`);
  console.log(`after the forging: ${r.tailDelivered} of ${r.tailWritten} delivered (${r.tailNamed} named by forged datagrams), every other one: ${r.tailWhole ? 'yes' : 'NO'}`);
  console.log(`mutations: ${Object.entries(r.mutations).map(([k, v]) => `${k} ${v}`).join(', ')}; RSS at the end ${(r.rssBytes / 1048576).toFixed(0)} MiB`);
  return run.status ?? 1;
}

#!/usr/bin/env node
// The placed-path fuzz campaign (packages/rtps/test/fuzz.test.ts, "fuzzing the placed path") against @medkit/rtps's
// addon built with AddressSanitizer and UndefinedBehaviorSanitizer: an out-of-bounds write into a sample's buffer,
// a use of a buffer after it was freed, a misaligned or overflowing read of a datagram is reported where it happens
// instead of corrupting memory quietly. Fails on any sanitizer report, or when the sanitized addon was not the one
// loaded, or when nothing was placed.
//
// How: the addon's sources are compiled with gcc (-fsanitize=address,undefined -fno-sanitize-recover=all
// -fno-omit-frame-pointer) into a directory of their own (the package's build stays as it is); the campaign then runs
// under a Node.js that preloads gcc's libasan (LD_PRELOAD: the runtime must come first, and Node.js itself is not
// built with it), with leak detection off (Node.js's own allocations at exit are not ours to report), and loads that
// build through MEDKIT_RTPS_ADDON_PATH (src/native-addon.ts). Reports go to files (log_path), which this script reads.
//
//   npm run fuzz:native-asan -- [--datagrams 300000] [--seed N]
// Numbers for docs/benchmarks.md ("RTPS fuzzing of the placed path under sanitizers") are printed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { datagrams: { type: 'string', default: '300000' }, seed: { type: 'string' } } });
for (const [k, v] of Object.entries(values)) {
  if (v !== undefined && !/^[1-9][0-9]*$/.test(v)) {
    console.error(`--${k} must be a positive integer, got '${v}'`);
    process.exit(2);
  }
}
const root = fileURLToPath(new URL('..', import.meta.url));
const native = join(root, 'packages/rtps/native');
const SOURCES = ['addon.c', 'aes_gcm.c', 'udp_receive.c', 'udp_placement.c'];

/** Exits 3 (nothing could be run: a missing tool, said why) so that the CI test can tell it from a finding. */
function unavailable(why) {
  console.error(`fuzz-native-asan: ${why}`);
  process.exit(3);
}

const gccLib = (name) => {
  const r = spawnSync('gcc', [`-print-file-name=${name}`], { encoding: 'utf8' });
  if (r.error) unavailable(`gcc not found (${r.error.message}): apt-get install gcc`);
  const path = r.stdout.trim();
  // gcc answers the bare name when it has no such library.
  return path.startsWith('/') && existsSync(path) ? path : undefined;
};
const libasan = gccLib('libasan.so');
if (!libasan || !gccLib('libubsan.so')) unavailable("gcc's libasan or libubsan is missing: apt-get install libasan8 libubsan1 (gcc's sanitizer runtimes)");
const include = join(dirname(dirname(realpathSync(process.execPath))), 'include/node');
if (!existsSync(join(include, 'node_api.h')) || !existsSync(join(include, 'openssl/evp.h'))) unavailable(`this Node.js's headers are not at ${include}`);

const build = join(tmpdir(), 'medkit-rtps-asan');
mkdirSync(build, { recursive: true });
const addon = join(build, 'medkit_rtps.node');
const cc = spawnSync(
  'gcc',
  ['-shared', '-fPIC', '-g', '-O1', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer', '-DNAPI_VERSION=8', `-I${include}`, ...SOURCES.map((s) => join(native, s)), '-o', addon],
  { encoding: 'utf8' },
);
if (cc.status !== 0) {
  console.error(`fuzz-native-asan: the sanitized build failed:\n${cc.stdout}${cc.stderr}`);
  process.exit(1);
}
console.log(`fuzz-native-asan: built ${addon} (gcc -fsanitize=address,undefined), preloading ${libasan}`);

const logs = mkdtempSync(join(tmpdir(), 'medkit-rtps-asan-logs-'));
const report = join(logs, 'report.json');
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  // Node.js keeps memory to its exit and installs its own SIGSEGV handler (WebAssembly bounds): neither is ours.
  ASAN_OPTIONS: `detect_leaks=0:halt_on_error=1:allow_user_segv_handler=1:log_path=${join(logs, 'asan')}`,
  UBSAN_OPTIONS: `halt_on_error=1:print_stacktrace=1:log_path=${join(logs, 'ubsan')}`,
  MEDKIT_RTPS_ADDON_PATH: addon,
  RTPS_FUZZ_PLACED_DATAGRAMS: values.datagrams,
  RTPS_FUZZ_REPORT: report,
};
if (values.seed) env.RTPS_FUZZ_SEED = values.seed;
const started = new Date();
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', 'packages/rtps/test/fuzz.test.ts', '-t', 'fuzzing the placed path'], { cwd: root, env, stdio: 'inherit' });
const findings = readdirSync(logs).filter((f) => f.startsWith('asan') || f.startsWith('ubsan'));
for (const f of findings) console.error(`\n--- sanitizer report ${f} ---\n${readFileSync(join(logs, f), 'utf8')}`);
const r = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
rmSync(logs, { recursive: true, force: true });

console.log(`\nplaced-path fuzz under ASan+UBSan, started ${started.toISOString()}, exit ${run.status ?? run.signal}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node.js ${process.version}, ${spawnSync('gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
if (r) {
  console.log(`addon loaded: ${r.addon}`);
  console.log(`forged datagrams ${r.forged} (seed ${r.seed}) in ${(r.durationMs / 1000).toFixed(1)} s; datagrams received ${r.datagramsIn}, placed ${r.placedIn}`);
  console.log(`samples written ${r.written}, delivered ${r.delivered} (real size ${r.exact}, forged sizes ${r.otherSize}), wrong ${r.wrong.length}; after the forging ${r.tailDelivered} of ${r.tailWritten}`);
}
console.log(`sanitizer reports: ${findings.length}`);
const failures = [];
if (findings.length > 0) failures.push(`${findings.length} sanitizer report(s)`);
if (!r) failures.push('no report: the campaign did not finish');
else {
  if (r.addon !== addon) failures.push(`the campaign loaded ${r.addon}, not the sanitized addon`);
  if (!(r.placedIn > 0)) failures.push('nothing was placed: the campaign did not reach the placed path');
}
if (run.status !== 0) failures.push(`the campaign's test failed (exit ${run.status ?? run.signal})`);
if (failures.length > 0) {
  console.error(`fuzz-native-asan: FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('fuzz-native-asan: no findings');

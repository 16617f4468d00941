#!/usr/bin/env node
// The suite's robustness check (issue 58, "tests on a clock you control"): the whole suite, as CI runs it, from
// fresh clones, one run after the other, each beside CPU busy-loops that take the cores from it. A test that
// waits on the real clock instead of an event fails here first. Not part of `npm test` (each run takes 30 to
// 45 minutes on two cores); README "Development" says how to read its results.
//
//   node scripts/test-under-load.mjs [--runs 3] [--loops 2] [--commit HEAD] [--keep]
//
// Each run: `git clone` of this repository at the commit into a temporary directory, `npm ci`, then
// `CI=true npm test` with `--loops` processes of `yes > /dev/null` running beside it. The install is not timed
// against the loops (they start after it). The clone's directory is made readable by all (mkdtemp makes it 0700):
// the demo's managed scripts run as the sandbox user (`nobody` when root), which must reach the checkout's
// packages/demo/dist; a 0700 parent made every try of the inject-protective-stop script fail with "Cannot find
// module". The background packager runs at nice 0 (MEDKIT_TEST_PREBUILD_NICE): the loops leave no idle CPU for its
// usual low priority to soak up, so the tests share the cores with the loops and the packager (harsher than CI). Prints one line per run: wall time, the suite's summary line, the
// load average at the end; exits 1 when a run failed. Logs stay in the clone's directory with --keep.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const runs = Number(opt('runs', '3'));
const loops = Number(opt('loops', '2'));
const keep = args.includes('--keep');
const commit = execFileSync('git', ['rev-parse', opt('commit', 'HEAD')], { cwd: repo, encoding: 'utf8' }).trim();
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(loops) || loops < 0) {
  console.error('usage: node scripts/test-under-load.mjs [--runs N≥1] [--loops N≥0] [--commit REF] [--keep]');
  process.exit(2);
}

/** Runs a command to completion with its output in `log`; resolves with the exit code. */
function run(cmd, cmdArgs, cwd, env, log) {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('close', (code) => out.end(() => resolve(code ?? 1)));
  });
}

let failed = 0;
for (let i = 1; i <= runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-under-load-'));
  chmodSync(dir, 0o755);
  const clone = join(dir, 'medkit');
  const log = join(dir, 'run.log');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repo, clone]);
  execFileSync('git', ['checkout', '--quiet', commit], { cwd: clone });
  const installed = await run('npm', ['ci', '--no-audit', '--no-fund'], clone, {}, log);
  if (installed !== 0) {
    console.log(`run ${i}/${runs} ${commit.slice(0, 8)}: npm ci failed (${log})`);
    failed++;
    continue;
  }
  const busy = Array.from({ length: loops }, () => spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' }));
  const started = Date.now();
  const code = await run('npm', ['test'], clone, { CI: 'true', MEDKIT_TEST_PREBUILD_NICE: '0' }, log);
  const seconds = Math.round((Date.now() - started) / 1000);
  for (const b of busy) b.kill('SIGKILL');
  const summary = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('tests:')).at(-1) ?? '(no summary line)';
  console.log(`run ${i}/${runs} ${commit.slice(0, 8)}: exit ${code}, ${seconds} s beside ${loops} busy loops; ${summary}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}${keep || code !== 0 ? `; log ${log}` : ''}`);
  if (code !== 0) failed++;
  else if (!keep) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);

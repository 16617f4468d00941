// What the packaging tests share: the artefacts of `npm run package` (scripts/package.mjs), built once per
// run whichever test file asks first (the script skips steps that are up to date and serialises packagers),
// and a `medkit gateway` started from an installed copy until /health answers.
import { execFileSync, spawn } from 'node:child_process';
import { nativePlan } from '../scripts/package-arch.mjs';
import { buildGateway, freePort, REPO_ROOT } from './medkit-cli.js';
export { authorizeAdmin, printedAdminSecret, signInAsAdmin } from './medkit-cli.js';
import type { Requirement } from './requirements.js';

/** Builds the command and runs the packaging steps named (and those they need) unless up to date. */
export function packageArtefacts(steps: string[]): void {
  buildGateway();
  execFileSync(process.execPath, ['scripts/package.mjs', ...steps], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 40 * 60_000 });
}

/**
 * Runs `command args… gateway --no-ros --port <free> <extra…>` (the `medkit` of an installed copy, or a wrapper
 * that runs one) until /api/v1/health answers, then `check(base URL)`; stops it afterwards. Throws with the
 * process's output when it does not answer within `waitMs` (a minute).
 */
export async function withInstalledGateway(
  command: string,
  args: string[],
  extra: string[],
  check: (base: string, output: () => string, said: (re: RegExp, timeoutMs?: number) => Promise<string>) => Promise<void>,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; port?: number; waitMs?: number } = {},
): Promise<void> {
  const port = opts.port ?? (await freePort());
  const child = spawn(command, [...args, 'gateway', '--no-ros', '--port', String(port), '--log-level', 'warn', ...extra], {
    cwd: opts.cwd,
    env: opts.env ?? { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  // `said`: the output's first match of a pattern, as soon as it is printed (an event, not a poll).
  const waiters = new Set<() => void>();
  const take = (d: Buffer) => {
    output += d;
    for (const w of waiters) w();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const said = (re: RegExp, timeoutMs = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => (waiters.delete(look), reject(new Error(`the gateway did not print ${re} within ${timeoutMs} ms:\n${output}`))), timeoutMs);
      const look = () => {
        const m = re.exec(output);
        if (!m) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(m[0]);
      };
      waiters.add(look);
      look();
    });
  // 'error': it could not be started at all (no such command).
  const exited = new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.on('error', (err) => {
      output += `${err.message}\n`;
      resolve();
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
      if (gone || i * 100 > (opts.waitMs ?? 60_000)) throw new Error(`${command} ${args.join(' ')}: /health did not answer${gone ? ' (it exited)' : ''}; output: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await check(base, () => output, said);
  } finally {
    // The process group: a wrapper (buildah run, a shell) and the gateway it started.
    if (!gone) process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (!gone) process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }
}

/** Checks the gateway at `base` answers /health and serves the web UI at /. */
export async function expectHealthAndUi(base: string): Promise<void> {
  const health = await fetch(`${base}/api/v1/health`);
  if (!health.ok) throw new Error(`/api/v1/health answered ${health.status}`);
  const ui = await fetch(`${base}/`);
  const html = await ui.text();
  if (!ui.ok || !/<html/i.test(html)) throw new Error(`/ answered ${ui.status} without the web UI: ${html.slice(0, 200)}`);
}

/**
 * Makes a persistent trigger on the fault list of the gateway's host component over REST (`persistent: true` is
 * stored in the gateway's SQLite store, docs/triggers.md); returns its path, for {@link expectStored} after a restart.
 */
export async function createPersistentTrigger(base: string, token?: string): Promise<string> {
  const components = (await (await fetch(`${base}/api/v1/components`)).json()) as { items: { id: string }[] };
  const host = components.items[0]?.id;
  if (!host) throw new Error('the gateway lists no host component');
  const r = await fetch(`${base}/api/v1/components/${host}/triggers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ resource: `/api/v1/components/${host}/faults`, trigger_condition: { condition_type: 'OnChange' }, multishot: true, persistent: true }),
  });
  const body = (await r.json()) as { id?: string };
  if (r.status !== 201 || !body.id) throw new Error(`creating a persistent trigger answered ${r.status}: ${JSON.stringify(body)}`);
  return `/api/v1/components/${host}/triggers/${body.id}`;
}

/** Checks the trigger `path` made by {@link createPersistentTrigger} is there (read back from the store after a restart). */
export async function expectStored(base: string, path: string): Promise<void> {
  const r = await fetch(`${base}${path}`);
  if (r.status !== 200) throw new Error(`${path} after a restart answered ${r.status}: ${await r.text()}`);
}

/**
 * Checks an installed gateway names what it runs on (issue 68): the ready line's runtime row and /health's
 * x-medkit-runtime say the pinned Node.js `node`, the SQLite driver loaded and the RTPS addon (not the fallback),
 * with no native_part_not_loaded warning.
 */
export async function expectNativeRuntime(base: string, output: () => string, node: string): Promise<void> {
  // The ready line follows the first /health answer by a moment (it is written once discovery settled).
  for (let i = 0; i < 300 && !/^ {2}runtime /m.test(output()); i++) await new Promise((r) => setTimeout(r, 100));
  const row = /^ {2}runtime +(.*)$/m.exec(output())?.[1] ?? '';
  if (!new RegExp(`^Node\\.js v${node.replaceAll('.', '\\.')} linux-(x64|arm64); SQLite 3\\.[0-9.]+ \\(better-sqlite3 [0-9.]+\\); RTPS native addon$`).test(row)) throw new Error(`the ready line's runtime row is not the packaged runtime with both native parts: '${row}'\n${output()}`);
  const health = (await (await fetch(`${base}/api/v1/health`)).json()) as { warnings: { code: string }[]; 'x-medkit-runtime'?: { runtime: { version: string }; sqlite: { loaded: boolean }; rtps: { path: string } } };
  const r = health['x-medkit-runtime'];
  if (r?.runtime.version !== `v${node}` || !r.sqlite.loaded || r.rtps.path !== 'addon') throw new Error(`/health's x-medkit-runtime is not the packaged runtime with both native parts: ${JSON.stringify(r)}`);
  if (health.warnings.some((w) => w.code === 'native_part_not_loaded')) throw new Error(`/health warns native_part_not_loaded: ${JSON.stringify(health.warnings)}`);
}

/** Checks `medkit --version` output: the version, the pinned runtime of `arch` (linux-x64 / linux-arm64), both native parts loaded. */
export function expectVersionReport(out: string, version: string, node: string, arch: 'x64' | 'arm64'): void {
  const lines = out.trim().split('\n');
  const want = [`medkit ${version}`, `runtime  Node.js v${node} linux-${arch} (`, 'sqlite   better-sqlite3 driver loaded (SQLite 3.', 'rtps     native addon loaded'];
  want.forEach((w, i) => {
    if (!lines[i]?.startsWith(w)) throw new Error(`medkit --version line ${i + 1} is not "${w}…":\n${out}`);
  });
}

/** What `npm run package` needs here to compile for `arch` (scripts/package-arch.mjs, nativePlan), as test requirements. */
export function nativeRequirements(arch: string): Requirement[] {
  return (nativePlan(arch).tools as [string, string][]).map(([name, debian]) => ({ kind: name.startsWith('/') ? 'file' : 'bin', name, debian }));
}

/** The newest glibc symbol version an ELF file (any architecture: readelf) needs, e.g. '2.29'. */
export function newestGlibc(file: string): string {
  const versions = [...execFileSync('readelf', ['-W', '--dyn-syms', file], { encoding: 'utf8', maxBuffer: 64 << 20 }).matchAll(/@GLIBC_(\d+)\.(\d+)(?:\.\d+)?/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const [major, minor] = versions.reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a), [0, 0] as const);
  return `${major}.${minor}`;
}

/** True when `a` (e.g. '2.29') is at most `b` ('2.31'). */
export const glibcAtMost = (a: string, b: string): boolean => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] < y[0] || (x[0] === y[0] && x[1] <= y[1]);
};

// What the packaging tests share: the artefacts of `npm run package` (scripts/package.mjs), built once per
// run whichever test file asks first (the script skips steps that are up to date and serialises packagers),
// and a `medkit gateway` started from an installed copy until /health answers.
import { execFileSync, spawn } from 'node:child_process';
import { buildGateway, freePort, REPO_ROOT } from './medkit-cli.js';

/** Builds the command and runs the packaging steps named (and those they need) unless up to date. */
export function packageArtefacts(steps: string[]): void {
  buildGateway();
  execFileSync(process.execPath, ['scripts/package.mjs', ...steps], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 25 * 60_000 });
}

/**
 * Runs `command args… gateway --no-ros --port <free> <extra…>` (the `medkit` of an installed copy, or a wrapper
 * that runs one) until /api/v1/health answers, then `check(base URL)`; stops it afterwards. Throws with the
 * process's output when it does not answer within a minute.
 */
export async function withInstalledGateway(
  command: string,
  args: string[],
  extra: string[],
  check: (base: string) => Promise<void>,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; port?: number } = {},
): Promise<void> {
  const port = opts.port ?? (await freePort());
  const child = spawn(command, [...args, 'gateway', '--no-ros', '--port', String(port), '--log-level', 'warn', ...extra], {
    cwd: opts.cwd,
    env: opts.env ?? { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
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
      if (gone || i > 600) throw new Error(`${command} ${args.join(' ')}: /health did not answer${gone ? ' (it exited)' : ''}; output: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await check(base);
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

// Runs the real `medkit` command (packages/cli/bin/medkit.js over the packages' dist/) as a child process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const MEDKIT_BIN = fileURLToPath(new URL('../packages/cli/bin/medkit.js', import.meta.url));

/**
 * TypeScript's tsc, to run with this Node.js (`execFileSync(process.execPath, [TSC, ...])`) rather than through npx: the
 * test files' builds are mostly up-to-date checks, and npx's own start-up tripled them (an up-to-date
 * `tsc -b packages/cli`: 5.2 s through npx, 2.0 s without, at load 5), some 70 times a run.
 */
export const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Compiles the command and every package it composes (incremental) so bin/medkit.js runs the current sources. */
export function buildGateway(): void {
  execFileSync(process.execPath, [TSC, '-b', 'packages/cli'], { cwd: REPO_ROOT, stdio: 'pipe' });
  bundleCommand();
}

/**
 * Rebuilds the bundle bin/medkit.js runs (scripts/bundle-cli.mjs: the compiled packages and a copy of the web
 * UI) when a dist/ folder or the web UI changed since; call it after compiling or rebuilding the UI.
 */
export function bundleCommand(): void {
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface MedkitProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout (or `stream`), rejects when the process exits first or the deadline passes. */
  waitFor(re: RegExp, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function runMedkit(args: string[], env: NodeJS.ProcessEnv = {}): MedkitProcess {
  const child = spawn(process.execPath, [MEDKIT_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 45_000, stream = 'stdout') {
      const text = () => (stream === 'stdout' ? out : err);
      return new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          const m = text().match(re);
          if (m) {
            clearInterval(timer);
            clearTimeout(deadline);
            resolve(m);
          }
        }, 20);
        const deadline = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`timed out waiting for ${re}; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        exited.then((code) => {
          if (text().match(re)) return;
          clearInterval(timer);
          clearTimeout(deadline);
          reject(new Error(`medkit exited (${code}) before ${re}; stdout: ${out}; stderr: ${err}`));
        });
      });
    },
  };
}

/** A free TCP port on 127.0.0.1 (one mechanism for every test: test-support/servers/ports.mjs). */
export { freePort } from './servers/ports.mjs';

/** Starts `medkit mcp --http <args>` and resolves with the process and the /mcp URL it prints once listening. */
export function startMcpHttp(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MEDKIT_BIN, 'mcp', '--http', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`medkit mcp --http did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /streamable HTTP at (http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`medkit mcp --http exited ${code}: ${err}`)));
  });
}

/**
 * Temp dirs and `medkit` processes of one test file, removed and killed after it: `tmp()` makes a dir, `track(p)`
 * keeps a process to kill. Call at the top level of the file (it registers the afterAll).
 */
export function cliScratch(prefix: string): { tmp(): string; track(p: MedkitProcess): MedkitProcess } {
  const dirs: string[] = [];
  const procs: MedkitProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.child.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    tmp: () => {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    track: (p) => {
      procs.push(p);
      return p;
    },
  };
}

/** The admin client secret a first start (or `medkit credentials rotate`) printed once, if the output has one. */
export const printedAdminSecret = (output: string): string | undefined => /client_id admin {2}client_secret (\S+)/.exec(output)?.[1];

/** The client-credentials flow of the web UI's sign-in (docs/ui-sign-in.md) as `admin` with `secret`: its answer. */
export function authorizeAdmin(base: string, secret: string): Promise<Response> {
  return fetch(`${base}/api/v1/auth/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'admin', client_secret: secret }) });
}

/** Signs in as the generated admin; its access token (throws when the gateway refuses). */
export async function signInAsAdmin(base: string, secret: string): Promise<string> {
  const r = await authorizeAdmin(base, secret);
  const body = (await r.json()) as { access_token?: string; scope?: string };
  if (r.status !== 200 || !body.access_token || body.scope !== 'admin') throw new Error(`signing in as admin answered ${r.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

// Test support: build the demo, run the launcher (or its processes) on loopback with ports chosen
// at run time, fetch JSON, poll. Every process started here is killed when the worker exits at the latest.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommand, TSC } from '../medkit-cli.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LAUNCH = fileURLToPath(new URL('../../packages/demo/dist/launch.js', import.meta.url));

/**
 * The `medkit` script the demo runs. Normally the gateway package's own; MEDKIT_DEMO_TEST_MEDKIT
 * points the tests at another build of the gateway command.
 */
export const MEDKIT_OVERRIDE = process.env.MEDKIT_DEMO_TEST_MEDKIT;

const BUILD_LOCK = join(tmpdir(), 'medkit-demo-test-build.lock');

/**
 * Compiles the demo and what it builds on (ros2, gateway) so child processes run the current
 * sources. Test files of this package run in parallel workers: a lock directory keeps two builds
 * from writing the same dist/ at once.
 */
export function buildDemo(): void {
  const end = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // Another worker is building; a lock older than the deadline is a leftover from a killed run.
      const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000 || Date.now() > end) rmSync(BUILD_LOCK, { recursive: true, force: true });
      else execFileSync('sleep', ['0.5']);
    }
  }
  try {
    execFileSync(process.execPath, [TSC, '-b', 'packages/demo'], { cwd: REPO_ROOT, stdio: 'pipe' });
    // The launcher starts `medkit`, which runs the bundle of what was just compiled.
    bundleCommand();
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building packages/demo failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (one mechanism for every test: test-support/servers/ports.mjs). */
export { freePort } from '../servers/ports.mjs';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) {
    try {
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface Launched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (like Ctrl-C), then SIGKILL to the whole process group after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Runs the launcher in its own process group with `args`. */
export function launch(args: string[]): Launched {
  const child = spawn(process.execPath, [LAUNCH, ...args, ...(MEDKIT_OVERRIDE ? ['--medkit', MEDKIT_OVERRIDE] : [])], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    live.delete(child);
    resolve(code);
  }));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(re, timeoutMs = 120_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = re.exec(out);
        if (m) return m[0];
        if (child.exitCode !== null) throw new Error(`launcher exited (${child.exitCode}) before ${re}\nstdout:\n${out}\nstderr:\n${err}`);
        if (Date.now() > end) throw new Error(`launcher: no ${re} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Fetches JSON with a deadline; returns status and parsed body. */
export async function http(url: string, init: RequestInit & { json?: unknown; timeoutMs?: number } = {}): Promise<{ status: number; body: any }> {
  const { json, timeoutMs = 10_000, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    signal: AbortSignal.timeout(timeoutMs),
    ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { ...(rest.headers as Record<string, string> | undefined), 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

// Same polling helper as the gateway's ROS end-to-end tests.
export { eventually } from '../gateway/ros-robot.js';

// Builds packages/ros2 and runs test/fixtures/*.mjs as child processes (servers in another process).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TSC } from '../../../../test-support/medkit-cli.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const children = new Set<ChildProcess>();

/** Compiles packages/ros2 (and what it references) into dist/. */
export function buildRos2(): void {
  execFileSync(process.execPath, [TSC, '-b', 'packages/ros2'], { cwd: repo, stdio: 'pipe', timeout: 280_000 });
}

export interface FixtureProcess {
  child: ChildProcess;
  lines: string[];
  /** Participant GUID from the `ready` line. */
  guid: string;
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `fixtures/<name>` with `args`; resolves on its `ready <guid>` line. */
export async function startFixture(name: string, args: string[]): Promise<FixtureProcess> {
  const child = spawn(process.execPath, [fixtures + name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  const err: string[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const f of listeners) f();
  });
  createInterface({ input: child.stderr! }).on('line', (l) => err.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      for (const f of listeners) f();
      resolve({ code, signal });
    }),
  );
  const waitForLine = (re: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        for (const l of lines) {
          const m = l.match(re);
          if (m) {
            done();
            return resolve(m);
          }
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`fixture ${name} exited before ${re}; stderr:\n${err.join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fixture ${name}: no ${re} within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${err.join('\n')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const ready = await waitForLine(/^ready ([0-9a-f]{32})$/);
  return { child, lines, guid: ready[1], waitForLine, exited };
}

/** SIGKILLs every fixture still running. */
export function killFixtures(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

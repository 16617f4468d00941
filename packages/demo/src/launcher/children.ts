/**
 * Runs the demo's child processes: output to one log file each (stderr also echoed with the
 * child's name), readiness by health URL or ready line, an `exit` callback for processes that die
 * while the demo runs, and an ordered, bounded shutdown (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from './plan.js';

const TAIL_LINES = 30;

export interface RunningChild {
  spec: ProcessSpec;
  child: ChildProcess;
  logFile: string;
  /** Last lines of output (stdout and stderr). */
  tail: string[];
  exited: Promise<number | null>;
}

interface ChildSetOptions {
  logDir: string;
  /** Echo every line, not only stderr. */
  verbose: boolean;
  /** Where echoed lines go. */
  echo: (line: string) => void;
  /** A child ended while it was not being stopped. */
  onUnexpectedExit: (c: RunningChild, code: number | null, signal: NodeJS.Signals | null) => void;
}

export class ChildSet {
  readonly children: RunningChild[] = [];
  #stopping = false;

  constructor(private readonly o: ChildSetOptions) {}

  start(spec: ProcessSpec): RunningChild {
    const logFile = join(this.o.logDir, `${spec.name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const lines = (stream: NodeJS.ReadableStream, isErr: boolean) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        log.write(d);
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const line of parts) {
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          if ((this.o.verbose || (isErr && !quietLogLine(line))) && line.trim() !== '') this.o.echo(`[${spec.name}] ${line}`);
        }
      });
    };
    lines(child.stdout!, false);
    lines(child.stderr!, true);
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code, signal) => {
        log.end();
        if (!this.#stopping) this.o.onUnexpectedExit(running, code, signal);
        resolve(code);
      });
      child.on('error', (err) => {
        tail.push(`failed to start: ${err.message}`);
        log.end();
        resolve(null);
      });
    });
    const running: RunningChild = { spec, child, logFile, tail, exited };
    this.children.push(running);
    return running;
  }

  /** Resolves once the child is up; rejects if it exits first or takes longer than `timeoutMs`. */
  async waitReady(c: RunningChild, timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let gone = false;
    void c.exited.then(() => (gone = true));
    for (;;) {
      if (gone) throw new Error(`${c.spec.name} exited during start-up (log: ${c.logFile})\n${c.tail.join('\n')}`);
      if (c.spec.readyLine && c.tail.some((l) => c.spec.readyLine!.test(l))) return;
      if (c.spec.healthUrl) {
        try {
          const res = await fetch(c.spec.healthUrl, { signal: AbortSignal.timeout(1000) });
          await res.body?.cancel();
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
      }
      if (Date.now() > end) throw new Error(`${c.spec.name} did not come up within ${timeoutMs / 1000} s (log: ${c.logFile})\n${c.tail.join('\n')}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Stops the children in reverse start order, each with SIGTERM then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.#stopping = true;
    for (const c of [...this.children].reverse()) await stopChild(c, graceMs);
  }
}

/** Structured (pino) log lines below error level stay in the log file unless --verbose. */
function quietLogLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' && level < 50;
  } catch {
    return false;
  }
}

async function stopChild(c: RunningChild, graceMs: number): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null || c.child.pid === undefined) return;
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
}

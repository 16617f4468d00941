// Runs fixtures/safety-signals.mjs (a safety gate node in its own process: signals, then PROTECTIVE_STOP
// over ~/report_fault) for tests, and stops it: SIGTERM, then SIGKILL after 5 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GATE = fileURLToPath(new URL('./fixtures/safety-signals.mjs', import.meta.url));

export interface SafetySignals {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

export function startSafetySignals(domain: number, args: string[] = ['--rate-hz', '20', '--step', '0.05']): SafetySignals {
  const child = spawn(process.execPath, [GATE, '--domain', String(domain), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

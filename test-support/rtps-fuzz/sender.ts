// Main-thread handle on the fuzz sender worker (sender-worker.ts). Node 20 runs no TypeScript,
// so the worker and the modules it imports are transpiled once per process into a temp dir.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import type { MutatorTarget } from './mutator.js';
import type { CapturedDatagram } from './secure-mutator.js';

const MODULES = ['prng', 'datagrams', 'mutator', 'secure-mutator', 'sender-worker'];
let compiled: string | undefined;

function workerFile(): string {
  if (compiled) return compiled;
  const dir = mkdtempSync(join(tmpdir(), 'medkit-rtps-fuzz-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const m of MODULES) {
    const src = readFileSync(fileURLToPath(new URL(`./${m}.ts`, import.meta.url)), 'utf8');
    const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } });
    writeFileSync(join(dir, `${m}.js`), out.outputText);
  }
  compiled = join(dir, 'sender-worker.js');
  return compiled;
}

export class MutationSender {
  private readonly worker: Worker;
  private pending?: (r: { n: number; kinds: Record<string, number> }) => void;
  private failed?: Error;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (m: { type: string; n: number; kinds: Record<string, number> }) => {
      if (m.type === 'sent') this.pending?.(m);
    });
    worker.on('error', (err) => (this.failed = err));
  }

  /** `captured`: mutate this real (secured) traffic (secure-mutator.ts) instead of generating RTPS from scratch. */
  static async start(seed: number, target: MutatorTarget, captured?: readonly CapturedDatagram[]): Promise<MutationSender> {
    const workerData = {
      seed,
      target: { ...target, prefix: target.prefix.toString('hex'), peers: target.peers.map((p) => p.toString('hex')) },
      captured: captured?.map((c) => ({ data: c.data.toString('base64'), port: c.port })),
    };
    const worker = new Worker(workerFile(), { workerData });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new MutationSender(worker);
  }

  /** Has the worker generate and send `n` datagrams; resolves with what it generated. */
  send(n: number): Promise<{ n: number; kinds: Record<string, number> }> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.postMessage({ type: 'send', n });
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' });
    await new Promise((r) => this.worker.once('exit', r));
  }
}

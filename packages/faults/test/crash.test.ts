// A fault acknowledged as confirmed is durable: a child process storms reports into a real SQLite file, is
// killed with SIGKILL mid-storm, and every acknowledged fault is found with at least the acknowledged count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFaultRepository } from '../src/storage/index.js';
import { cleanupDirs, tmpDir } from '../../../test-support/faults-harness.js';
import { TSC } from '../../../test-support/medkit-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const distEntry = join(root, 'packages/faults/dist/index.js');
const child = fileURLToPath(new URL('./fixtures/storm-child.mjs', import.meta.url));

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return max;
}

let proc: ChildProcess | undefined;
beforeAll(() => {
  // The child runs compiled code; rebuild this package (and what it references) when its sources are newer
  // than the build.
  const src = join(root, 'packages/faults/src');
  const dist = join(root, 'packages/faults/dist');
  if (!existsSync(distEntry) || newestMtime(src) > newestMtime(dist)) {
    const r = spawnSync(process.execPath, [TSC, '-b', 'packages/faults/tsconfig.json'], { cwd: root, encoding: 'utf8' });
    if (!existsSync(distEntry)) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  }
});
afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  cleanupDirs();
});

describe('crash durability', () => {
  it('keeps every fault acknowledged before SIGKILL', async () => {
    const dir = tmpDir('medkit-crash-');
    proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, number>();
    let ackCount = 0;
    let buf = '';
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child too slow; stderr: ${stderr}`)), 30_000);
      proc!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited early (${code}): ${stderr}`)); });
      proc!.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const line of lines) {
          const m = /^ACK (\S+) (\d+)$/.exec(line);
          if (!m) continue;
          ackCount++;
          acked.set(m[1], Math.max(acked.get(m[1]) ?? 0, Number(m[2])));
        }
        // Kill mid-storm, while the child is still writing.
        if (ackCount >= 5000 && proc!.exitCode === null) {
          proc!.removeAllListeners('exit');
          clearTimeout(timer);
          proc!.kill('SIGKILL');
          proc!.once('exit', () => resolve());
        }
      });
    });
    expect(proc.signalCode).toBe('SIGKILL');
    const repo = openFaultRepository({ storageType: 'sqlite', dataDir: dir });
    let missing = 0;
    for (const [code, count] of acked) {
      const r = repo.getFault(code);
      if (!r || r.occurrence_count < count) missing++;
    }
    expect(acked.size).toBe(300);
    expect(Math.max(...acked.values())).toBeGreaterThan(1);
    expect(missing).toBe(0);
  });
});

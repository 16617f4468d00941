// The fleet benchmark's command still runs (issue 58 "benches that rot": bench/fleet/robots.mjs had resolved
// '@medkit/fleet-link' as a file beside itself since 2026-11-25 and failed to start): a seconds-long run with two
// robots through the real 3-node NATS cluster and PostgreSQL it starts, every produced event stored.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWith, NATS_SERVER, POSTGRES } from '../test-support/requirements.js';

const RUN = fileURLToPath(new URL('../bench/fleet/run.mjs', import.meta.url));

describeWith([...NATS_SERVER, ...POSTGRES], 'bench/fleet/run.mjs (smoke)', () => {
  it('runs two robots for three seconds and stores every event they produced', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [RUN, '--robots', '2', '--rate', '2', '--seconds', '3', '--procs', '1'], { timeout: 150_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr.slice(-2000)}`));
        else resolve(stdout);
      });
    });
    const report = JSON.parse(out.slice(out.indexOf('{\n'))) as { produced: number; stored_fault_events: number; robots: number };
    expect(report.robots).toBe(2);
    expect(report.produced).toBeGreaterThan(0);
    expect(report.stored_fault_events).toBe(report.produced);
  }, 180_000);
});

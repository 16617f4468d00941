// The demo's start-up bench (bench/startup/demo.mjs, issue 69) still runs: the whole demo starts, its main gateway's
// command starts once more beside it and lists the demo's apps; the report parses and holds plausible figures, never
// exact numbers or timings. A file of its own, run alone (scripts/exclusive-tests.mjs EXCLUSIVE): it borrows the
// secured demo's domains (testDomain(225)/(226), scenario-secure-e2e), whose files also run alone.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../test-support/domains.js';
import { buildDemo } from '../test-support/demo/demo.js';
import { buildGateway } from '../test-support/medkit-cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOMAIN = testDomain(225);
const ISLAND_DOMAIN = testDomain(226);

beforeAll(() => {
  buildGateway();
  buildDemo();
}, 240_000);

describe('bench/startup/demo.mjs (smoke run)', () => {
  it('lists the demo main gateway\'s apps from a second start of its command', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['bench/startup/demo.mjs', '--runs', '1', '--domain', String(DOMAIN), '--island-domain', String(ISLAND_DOMAIN)], { cwd: ROOT, timeout: 150_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr.slice(-3000)}\n${stdout.slice(-2000)}`)) : resolve(stdout),
      );
    });
    // The reference: the robot's nodes and the safety island's app through the island's gateway.
    const ref = /reference: the demo's main gateway lists (\d+) apps online: (.*)/.exec(out);
    expect(Number(ref?.[1])).toBeGreaterThanOrEqual(10);
    expect(ref?.[2]).toContain('safety_gate');
    // The row of all runs (one): wall and CPU at /health and at every reference app listed online, "median / max".
    const line = out.split('\n').find((l) => l.startsWith('| all 1 |'));
    expect(line, out).toBeDefined();
    const cells = line!.split('|').slice(2, 6).map((c) => Number(c.trim().split(' / ')[0]));
    for (const c of cells) expect(c).toBeGreaterThan(0);
    // Listed no earlier than /health answered.
    expect(cells[2]).toBeGreaterThanOrEqual(cells[0]);
  }, 200_000);
});

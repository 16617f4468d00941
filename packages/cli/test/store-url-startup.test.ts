// A bad fault store URL stops start-up naming the key and the reason (issue 54), checked on the real `medkit gateway`
// command: it exits non-zero instead of serving, its stderr names `faults.postgresql.url` and what is wrong, and the
// password the URL carries appears nowhere in its output. Before, `url=not-a-url` crashed later with a misleading
// "not connected yet" and the log quoted `getaddrinfo ENOTFOUND base`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, runMedkit } from '../../../test-support/medkit-cli.js';
import { freePort } from '../../../test-support/servers/ports.mjs';

const PASSWORD = 'Zs7StorePw' + 'q'.repeat(20);

const CASES: { name: string; url: string; reason: RegExp }[] = [
  { name: 'malformed', url: `postgres://qa:${PASSWORD}@`, reason: /does not parse as a URL/ },
  { name: 'unsupported scheme', url: `mysql://qa:${PASSWORD}@db.local:3306/faults`, reason: /the scheme is 'mysql', not postgres or postgresql/ },
  // With credentials an empty host does not parse at all (the first case); without, it parses and names no host.
  { name: 'no host', url: 'postgresql:///faults', reason: /names no host/ },
];

/** Resolves with the exit code, or rejects when the command is still running at the deadline (it must not serve). */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms)));
  return Promise.race([exited, deadline]).finally(() => clearTimeout(timer));
}

describe('medkit gateway with a bad faults.postgresql.url', () => {
  let dir: string;
  beforeAll(() => {
    buildGateway();
    dir = mkdtempSync(join(tmpdir(), 'medkit-store-url-'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`stops start-up naming the key and the reason (${c.name}), without printing the password`, async () => {
      const file = join(dir, `${c.name.replace(/ /g, '-')}.json`);
      writeFileSync(file, JSON.stringify({ 'faults.storage_type': 'postgresql', 'faults.postgresql.url': c.url }));
      const g = runMedkit(['gateway', '--no-ros', '--port', String(await freePort()), '--data-dir', join(dir, c.name), '--config', file]);
      let code: number | null;
      try {
        code = await exitWithin(g.exited, 60_000);
      } finally {
        if (g.child.exitCode === null) g.child.kill('SIGKILL');
      }
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(g.stdout()).not.toMatch(/listening/);
      expect(g.stderr()).toMatch(/faults\.postgresql\.url is not a usable connection string/);
      expect(g.stderr()).toMatch(c.reason);
      expect(`${g.stdout()}\n${g.stderr()}`).not.toContain(PASSWORD);
    }, 120_000);
  }
});

// `npm start -- fleet` as a person runs it: the launcher starts its own nats-server and PostgreSQL, a
// `medkit fleet` serving the fleet console and simulated robots, prints the console's URL, and on SIGTERM
// (Ctrl-C) stops everything it started, servers included.
import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { bundleCommand } from '../../../test-support/medkit-cli.js';
import { buildDemo, eventually, freePort, http, LAUNCH, REPO_ROOT } from '../../../test-support/demo/demo.js';

/** True while something accepts connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describeWith([...NATS_SERVER, ...POSTGRES], 'demo fleet mode', () => {
  it('brings up NATS, PostgreSQL, the fleet with its console and two robots, and stops them all', async () => {
    buildDemo();
    execFileSync(process.execPath, ['scripts/build-web.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
    bundleCommand(); // the fleet serves the console from the bundle's copy of the web UI
    const port = await freePort();
    const child = spawn(process.execPath, [LAUNCH, 'fleet', '--robots', '2', '--port', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.resume();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const banner = await eventually(async () => /fleet console: (http:\/\/\S+)\//.exec(err) ?? undefined, 'the console URL printed', 120_000);
      const servers = /NATS nats:\/\/127\.0\.0\.1:(\d+), PostgreSQL postgres:\/\/medkit@127\.0\.0\.1:(\d+)\//.exec(err);
      expect(servers, err).not.toBeNull();
      const page = await fetch(`${banner[1]}/`);
      expect(await page.text()).toContain('<title>medkit fleet console</title>');
      const robots = await eventually(async () => {
        const r = await http(`${banner[1]}/api/v1/components`);
        const online = (r.body?.items ?? []).filter((c: { 'x-medkit': { online: boolean } }) => c['x-medkit'].online);
        return online.length === 2 ? online : undefined;
      }, 'two robots online', 60_000);
      expect(robots.map((r: { id: string }) => r.id)).toEqual(['amr-01', 'amr-02']);
      // The simulated robots raise faults that reach the fleet's store.
      await eventually(async () => ((await http(`${banner[1]}/api/v1/faults?status=all`)).body?.['x-medkit']?.total > 0 ? true : undefined), 'a fault in the fleet', 60_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await listening(Number(servers![1]))).toBe(false);
      expect(await listening(Number(servers![2]))).toBe(false);
      expect(await listening(port)).toBe(false);
    } finally {
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });
});

// `npm run demo:plc` (examples/opcua/run.mjs, on the built workspace): it starts the simulated PLC and the
// gateway on free ports, the gateway answers with the PLC's values, and SIGINT (Ctrl-C) stops both children
// before the runner exits: no orphan process is left.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../test-support/domains.js';
import { eventually } from '../test-support/gateway/ros-robot.js';
import { buildDemo } from '../test-support/demo/demo.js';

const RUNNER = new URL('../examples/opcua/run.mjs', import.meta.url).pathname;

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('npm run demo:plc', () => {
  // The runner uses the built demo launcher and gateway: build them from the current sources (incremental).
  beforeAll(() => buildDemo(), 240_000);

  it('is the root script that builds and runs examples/opcua/run.mjs', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['demo:plc']).toBe('npm run build && node examples/opcua/run.mjs');
  });

  it('starts the PLC and the gateway, and SIGINT stops both (no orphan)', async () => {
    const runner = spawn(process.execPath, [RUNNER, '--port', '0', '--plc-port', '0', '--domain', String(testDomain(197))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    runner.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    runner.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => runner.once('exit', (code) => r(code)));
    let pids: number[] = [];
    try {
      await eventually(async () => /example is running/.test(out) || runner.exitCode !== null, 'the runner banner', 90_000);
      const banner = /pids: PLC (\d+), gateway (\d+)/.exec(out);
      const api = /gateway API\s+(\S+)/.exec(out);
      expect(banner, out).not.toBeNull();
      pids = [Number(banner![1]), Number(banner![2])];
      expect(pids.every(alive)).toBe(true);
      const level = (await (await fetch(`${api![1]}/apps/tank_process/data/tank_level`)).json()) as { data: unknown; 'x-medkit': { unit: string } };
      expect(typeof level.data).toBe('number');
      expect(level['x-medkit'].unit).toBe('mm');

      runner.kill('SIGINT');
      expect(await exited).toBe(0);
      // The runner waited for its children: both are gone once it has exited.
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      if (runner.exitCode === null) runner.kill('SIGKILL');
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});

// The launcher's command line as a user meets it: help, bad options and a busy port stop it before
// anything starts, with a message saying what to do.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, freePort, LAUNCH } from '../../../test-support/demo/demo.js';

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAUNCH, ...args], { timeout: 20_000, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let busy: Server;
let busyPort: number;

beforeAll(async () => {
  buildDemo();
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
}, 120_000);

afterAll(() => new Promise<void>((r) => busy.close(() => r())));

describe('medkit demo launcher', () => {
  it('prints its options on --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--speed X');
    expect(r.stdout).toContain('--no-autoplay');
  });

  it('fleet mode prints its own options on --help, and a bad option is one line, not a stack trace (issue 56)', async () => {
    const help = await run(['fleet', '--help']);
    expect(help.code).toBe(0);
    for (const o of ['--robots N', '--port P', '--nats URL', '--database URL', '--fleet ID']) expect(help.stdout).toContain(o);
    const bad = await run(['fleet', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(["medkit demo fleet: Unknown option '--bogus' (npm start -- fleet --help lists the options)"]);
  });

  it('refuses a port that is in use and names the option to change', async () => {
    const r = await run(['--port', String(busyPort)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`port ${busyPort} is already in use; choose another with --port`);
  });

  it('refuses unknown options and bad values', async () => {
    expect((await run(['--frobnicate'])).code).toBe(2);
    const r = await run(['--speed', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--speed');
  });

  it('--secure without openssl stops before anything starts, saying what is missing', async () => {
    const r = await run(['--secure', '--port', String(await freePort()), '--island-port', String(await freePort())], { ...process.env, PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('medkit demo: --secure: the openssl command is not installed (or not on PATH)');
    expect(r.stderr).not.toContain('starting the gateways');
  });
});

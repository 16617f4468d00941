// The script sandbox against a real `medkit gateway` process whose environment holds secrets: who the
// script runs as, what it can see, and that nothing it starts outlives it. The isolation needs root
// (CI runs as root); the plan's decisions are unit-tested below for every machine.
import { mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXEC_INIT, planSandbox, type SandboxProbe, type SandboxSettings } from '../../src/scripts/sandbox.js';
import { buildGateway, runMedkit, REPO_ROOT, type MedkitProcess } from '../support/cli.js';
import { freePort } from '../../../demo/test/support/demo.js';
import { json, startExecution, uploadScript, waitFinished, waitFor } from './helpers.js';

const ROOT = process.getuid?.() === 0;
const SECRET = 'sentinel-7f3a-secret';
const MANIFEST = join(REPO_ROOT, 'examples/amr/manifest.yaml');

/** Host pids whose command line contains `marker` (every namespace is visible from here). */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe.skipIf(!ROOT)('script sandbox in a real gateway (as root)', () => {
  let medkit: MedkitProcess;
  let base: string;
  let entity: string;
  let dataDir: string;
  let scriptsDir: string;
  const cleanup: string[] = [];

  beforeAll(async () => {
    buildGateway();
    const parent = mkdtempSync(join(tmpdir(), 'medkit-sandbox-'));
    chmodSync(parent, 0o755);
    cleanup.push(parent);
    // The gateway creates its data dir itself, so the test sees the permissions it chooses.
    dataDir = join(parent, 'data');
    const port = await freePort();
    medkit = runMedkit(
      ['gateway', '--no-ros', '--manifest', MANIFEST, '--port', String(port), '--data-dir', dataDir, '--set', `scripts.scripts_dir=${(scriptsDir = join(parent, 'scripts'))}`, '--set', 'scripts.limits.cpu_sec=2', '--set', 'ui.enabled=false'],
      { MEDKIT_JWT_SECRET: SECRET, MEDKIT_AUTH_CLIENTS: `admin:${SECRET}:admin`, SOME_TOKEN: SECRET },
    );
    await medkit.waitFor(/medkit gateway ready/);
    expect(medkit.stdout()).toMatch(/sandbox: PID namespace per execution, as nobody/);
    base = `http://127.0.0.1:${port}`;
    const comps = await json(await fetch(`${base}/api/v1/components`));
    entity = `components/${comps.items[0].id}`;
  }, 120_000);

  afterAll(async () => {
    medkit?.child.kill('SIGTERM');
    await medkit?.exited;
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  async function run(name: string, body: string, metadata?: unknown): Promise<Record<string, any>> {
    const up = await uploadScript(base, entity, name, body, metadata);
    expect(up.status, await up.clone().text()).toBe(201);
    const id = (await json(up)).id;
    const res = await startExecution(base, entity, id);
    expect(res.status).toBe(202);
    return waitFinished(base, res.headers.get('location')!);
  }

  it('runs as the unprivileged user in a private working directory', async () => {
    const done = await run('whoami.sh', 'printf \'{"uid": %s, "cwd": "%s", "home": "%s"}\' "$(id -u)" "$(pwd)" "$HOME"\n');
    expect(done.status).toBe('completed');
    expect(done.parameters.uid).toBe(65534);
    expect(done.parameters.cwd).toMatch(/\/medkit-exec-/);
    expect(done.parameters.home).toBe(done.parameters.cwd);
  });

  it('sees none of the gateway\'s secrets: not in its environment, not through /proc, not in the database', async () => {
    const script = [
      'leak=none',
      `env | grep -q ${SECRET} && leak=env`,
      `cat /proc/$PPID/environ 2>/dev/null | tr '\\0' '\\n' | grep -q ${SECRET} && leak=ppid`,
      `for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null | grep -q ${SECRET} && leak="proc $f"; done`,
      `head -c 16 "${join(dataDir, 'medkit.db')}" >/dev/null 2>&1 && leak=database`,
      'printf \'{"leak": "%s", "processes": %s}\' "$leak" "$(ls -d /proc/[0-9]* | wc -l)"',
    ].join('\n');
    const done = await run('snoop.sh', `${script}\n`);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.parameters.leak).toBe('none');
    // Only the execution's own processes are visible (the shell and the few it runs).
    expect(done.parameters.processes).toBeLessThan(10);
  });

  it('ends every descendant with the script, whatever process group or session it moved to', async () => {
    const script = [
      'setsid sleep 7701 >/dev/null 2>&1 &',
      '(set -m; sleep 7702 >/dev/null 2>&1 &)',
      'python3 -c "import os, time; os.setpgid(0, 0); time.sleep(7703)" >/dev/null 2>&1 &',
      'setsid -f sleep 7704 >/dev/null 2>&1',
      'sleep 0.5',
      'echo \'{"started": 4}\'',
    ].join('\n');
    const done = await run('escape.sh', `${script}\n`);
    expect(done.status).toBe('completed');
    for (const m of ['sleep 7701', 'sleep 7702', 'time.sleep(7703)', 'sleep 7704']) {
      await waitFor(() => (processesWith(m).length === 0 ? true : undefined), `${m} to be gone`, 10_000);
    }
  });

  it('kills the whole tree when the script times out', async () => {
    const done = await run('hang.sh', "trap '' TERM\nsetsid sleep 7711 >/dev/null 2>&1 &\nsleep 7712\n", { timeout_sec: 1.5 });
    expect(done.status).toBe('terminated');
    expect(done.error.message).toBe('Script execution timed out');
    for (const m of ['sleep 7711', 'sleep 7712']) await waitFor(() => (processesWith(m).length === 0 ? true : undefined), `${m} to be gone`, 10_000);
  });

  it('kills a script that exceeds its CPU limit (scripts.limits.cpu_sec=2), before its timeout', async () => {
    const done = await run('spin.sh', 'while :; do :; done\n', { timeout_sec: 600 });
    expect(done.status).toBe('terminated');
    expect(done.error.message).toMatch(/signal (24|SIGXCPU|9|SIGKILL)/);
  });

  it('fails the execution, not the request, when the stored script file has vanished', async () => {
    const up = await uploadScript(base, entity, 'vanish.sh', 'echo here\n');
    expect(up.status).toBe(201);
    const id = (await json(up)).id;
    const dir = join(scriptsDir, entity.split('/')[1], id);
    for (const f of readdirSync(dir)) if (f.startsWith('script.')) rmSync(join(dir, f));
    const res = await startExecution(base, entity, id);
    expect(res.status).toBe(202);
    const done = await waitFinished(base, res.headers.get('location')!);
    expect(done.status).toBe('failed');
  });

  it('refuses metadata that would set the dynamic linker or interpreter start-up', async () => {
    for (const name of ['LD_PRELOAD', 'NODE_OPTIONS', 'BASH_ENV', 'PATH', 'PYTHONSTARTUP', 'MEDKIT_JWT_SECRET']) {
      const up = await uploadScript(base, entity, 'x.sh', 'true\n', { env: { [name]: '/tmp/evil.so' } });
      expect(up.status, name).toBe(400);
    }
  });
});

describe('the gateway refuses to start with a sandbox it cannot honour', () => {
  it.skipIf(!ROOT)('stops start-up, naming the key, when the configured user does not exist', async () => {
    buildGateway();
    const dir = mkdtempSync(join(tmpdir(), 'medkit-sandbox-'));
    try {
      const m = runMedkit(['gateway', '--no-ros', '--port', String(await freePort()), '--data-dir', join(dir, 'd'), '--set', `scripts.scripts_dir=${dir}`, '--set', 'scripts.sandbox.user=no_such_user_medkit']);
      expect(await m.exited).toBe(2);
      expect(m.stderr()).toContain("scripts.sandbox.user 'no_such_user_medkit' does not exist");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('sandbox plan', () => {
  const settings: SandboxSettings = { mode: 'auto', user: 'nobody', userExplicit: false, cpuSec: 10, memoryMb: 256, maxProcesses: 16, maxFileMb: 8 };
  const probe = (over: Partial<SandboxProbe>): SandboxProbe => ({
    isRoot: () => true,
    lookupUser: (n) => (n === 'nobody' ? { uid: 65534, gid: 65534 } : n === 'root' ? { uid: 0, gid: 0 } : undefined),
    runs: () => true,
    program: (n) => `/usr/bin/${n}`,
    ...over,
  });

  it('as root: PID namespace, then the user drop with no_new_privs, then the limits, then the interpreter', () => {
    const plan = planSandbox(settings, probe({}));
    expect(plan.isolation).toBe('pid-namespace');
    const { file, args } = plan.wrap('/bin/sh', ['/tmp/x/script.sh']);
    expect([file, ...args]).toEqual([
      '/usr/bin/unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--',
      '/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--no-new-privs', '--',
      process.execPath, '-e', EXEC_INIT,
      '/usr/bin/prlimit', '--cpu=10', `--as=${256 * 1024 * 1024}`, '--nproc=16', `--fsize=${8 * 1024 * 1024}`, '--',
      '/bin/sh', '/tmp/x/script.sh',
    ]);
  });

  it('fails closed: a missing user, a root user, and strict mode without namespaces stop start-up', () => {
    expect(() => planSandbox({ ...settings, user: 'ghost' }, probe({}))).toThrow(/does not exist/);
    expect(() => planSandbox({ ...settings, user: 'root' }, probe({}))).toThrow(/is root/);
    expect(() => planSandbox({ ...settings, mode: 'strict' }, probe({ runs: () => false }))).toThrow(/strict cannot be honoured/);
    expect(() => planSandbox({ ...settings, mode: 'strict' }, probe({ program: (n) => (n === 'unshare' ? undefined : `/usr/bin/${n}`) }))).toThrow(/missing unshare/);
  });

  it('auto without namespaces falls back to process groups and says why', () => {
    const plan = planSandbox(settings, probe({ isRoot: () => false, runs: () => false }));
    expect(plan.isolation).toBe('process-group');
    expect(plan.warning).toMatch(/user namespaces are disabled/);
  });

  it('off runs the interpreter directly', () => {
    expect(planSandbox({ ...settings, mode: 'off' }, probe({})).wrap('/bin/sh', ['s'])).toEqual({ file: '/bin/sh', args: ['s'] });
  });
});

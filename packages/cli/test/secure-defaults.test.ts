// Issue 68, secure by default, as the `medkit` command runs it: a gateway that would listen beyond loopback
// without authentication does not start (exit 2, one line saying what to do) unless
// server.allow_unauthenticated_remote opts in (transport-cli.test.ts starts one that way); first-start
// credentials (auth.credentials_file) are made once in the data dir with mode 0600, printed once, sign in through
// the client-credentials flow the web UI uses, survive a restart, and `medkit credentials rotate` replaces them.
// Nothing here listens beyond loopback: a refused gateway stops before it listens.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizeAdmin, buildGateway, cliScratch, freePort, printedAdminSecret, runMedkit, type MedkitProcess } from '../../../test-support/medkit-cli.js';

const { tmp, track } = cliScratch('medkit-secure-');
beforeAll(() => buildGateway(), 180_000);

/** The stderr lines that are not the config report (`medkit: config: …`). */
const ownLines = (p: MedkitProcess) => p.stderr().split('\n').filter((l) => l && !l.startsWith('medkit: config:'));

describe('a gateway beyond loopback without authentication', () => {
  const refused = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const p = track(runMedkit([...args, '--no-ros', '--data-dir', tmp(), '--port', String(await freePort())], env));
    expect(await p.exited).toBe(2);
    const lines = ownLines(p);
    expect(lines, p.stderr()).toHaveLength(1);
    expect(lines[0]).toMatch(/^medkit: refusing to start: listening on \S+:\d+, beyond loopback, without authentication: .*\. Enable authentication \(--set auth\.enabled=true --set auth\.credentials_file=credentials\.yaml .*\), bind to loopback \(--host 127\.0\.0\.1\), or accept the risk with server\.allow_unauthenticated_remote: true$/);
    expect(p.stdout()).not.toMatch(/gateway ready/);
    return lines[0];
  };

  it('does not start: --host 0.0.0.0, MEDKIT_SERVER_HOST (as the image set it), an address of this machine, the fleet server', async () => {
    expect(await refused(['gateway', '--host', '0.0.0.0'])).toContain('listening on 0.0.0.0:');
    expect(await refused(['gateway'], { MEDKIT_SERVER_HOST: '0.0.0.0' })).toContain('listening on 0.0.0.0:');
    expect(await refused(['gateway', '--host', '::'])).toContain('listening on :::');
    await refused(['fleet', '--host', '0.0.0.0']);
  });

  it('auth that enforces nothing (require_auth_for: none) is no authentication', async () => {
    const secret = 'x'.repeat(40);
    await refused(['gateway', '--host', '0.0.0.0', '--set', 'auth.enabled=true', '--set', 'auth.require_auth_for=none'], { MEDKIT_AUTH_JWT_SECRET: secret });
  });

  it('a misspelt opt-in key is refused, not ignored', async () => {
    const p = runMedkit(['gateway', '--no-ros', '--host', '0.0.0.0', '--data-dir', tmp(), '--set', 'server.alow_unauthenticated_remote=true']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/unknown configuration key 'server\.alow_unauthenticated_remote'.*did you mean 'server\.allow_unauthenticated_remote'.*refusing to start/);
  });
});

describe('first-start credentials (auth.credentials_file)', () => {
  const AUTH = ['--set', 'auth.enabled=true', '--set', 'auth.credentials_file=credentials.yaml'];
  const start = async (dataDir: string) => {
    const port = await freePort();
    const p = track(runMedkit(['gateway', '--no-ros', '--data-dir', dataDir, '--port', String(port), ...AUTH], { MEDKIT_LOG_LEVEL: 'warn' }));
    await p.waitFor(/medkit gateway ready[\s\S]*data dir/, 60_000);
    return { p, base: `http://127.0.0.1:${port}` };
  };
  const stop = async (p: MedkitProcess) => {
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  };
  /** A write (a trigger on the host component's faults): 401 without a token. */
  const write = async (base: string, token?: string) => {
    const host = ((await (await fetch(`${base}/api/v1/components`)).json()) as { items: { id: string }[] }).items[0].id;
    return fetch(`${base}/api/v1/components/${host}/triggers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ resource: `/api/v1/components/${host}/faults`, trigger_condition: { condition_type: 'OnChange' } }),
    });
  };

  it('are made once (mode 0600, the admin secret printed once), sign in, guard writes, survive a restart; `medkit credentials rotate` replaces them', async () => {
    const dir = tmp();
    const file = join(dir, 'credentials.yaml');
    const first = await start(dir);
    const secret = printedAdminSecret(first.p.stderr());
    expect(secret, first.p.stderr()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.p.stderr()).toContain(`made credentials in ${file} (mode 0600)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`admin:${secret}:admin`);
    // The secrets reach no other line: the config report hides them.
    expect(first.p.stderr().split('\n').filter((l) => l.includes(secret!))).toHaveLength(1);
    expect(first.p.stdout()).not.toContain(secret);
    expect((await write(first.base)).status).toBe(401);
    const signedIn = await authorizeAdmin(first.base, secret!);
    expect(signedIn.status).toBe(200);
    const { access_token: token, scope } = (await signedIn.json()) as { access_token: string; scope: string };
    expect(scope).toBe('admin');
    expect((await write(first.base, token)).status).toBe(201);
    await stop(first.p);

    // Kept: nothing printed the second time, the same secret signs in.
    const second = await start(dir);
    expect(second.p.stderr()).not.toMatch(/made credentials/);
    expect(printedAdminSecret(second.p.stderr())).toBeUndefined();
    expect((await authorizeAdmin(second.base, secret!)).status).toBe(200);
    await stop(second.p);

    const rotate = runMedkit(['credentials', 'rotate', '--data-dir', dir, ...AUTH]);
    expect(await rotate.exited).toBe(0);
    const next = printedAdminSecret(rotate.stderr());
    expect(next).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(next).not.toBe(secret);
    expect(rotate.stderr()).toContain(`rotated credentials in ${file} (mode 0600)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const third = await start(dir);
    expect(printedAdminSecret(third.p.stderr())).toBeUndefined();
    expect((await authorizeAdmin(third.base, secret!)).status).toBe(401);
    expect((await authorizeAdmin(third.base, next!)).status).toBe(200);
    // A token signed with the old secret no longer verifies.
    expect((await write(third.base, token)).status).toBe(401);
    await stop(third.p);
  }, 240_000);

  it('with your own auth.clients in effect the generated admin is not: no secret is printed that would not sign in', async () => {
    const dir = tmp();
    const own = `ops:${'s'.repeat(24)}:admin`;
    const port = await freePort();
    const p = track(runMedkit(['gateway', '--no-ros', '--data-dir', dir, '--port', String(port), ...AUTH], { MEDKIT_LOG_LEVEL: 'warn', MEDKIT_AUTH_CLIENTS: own }));
    await p.waitFor(/medkit gateway ready/, 60_000);
    expect(p.stderr()).toContain(`made credentials in ${join(dir, 'credentials.yaml')} (mode 0600); its admin client is not in effect: auth.clients is set by environment`);
    expect(printedAdminSecret(p.stderr())).toBeUndefined();
    await stop(p);
  }, 120_000);

  it('a credentials file other users may read stops start-up (exit 2, naming the file and chmod)', async () => {
    const dir = tmp();
    const first = await start(dir);
    await stop(first.p);
    chmodSync(join(dir, 'credentials.yaml'), 0o640);
    const p = runMedkit(['gateway', '--no-ros', '--data-dir', dir, '--port', String(await freePort()), ...AUTH]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain(`auth.credentials_file '${join(dir, 'credentials.yaml')}' has mode 0640: other users may read the signing secret; chmod 600 it`);
  }, 120_000);

  it('`medkit credentials rotate` without a credentials file configured says so, exit 2', async () => {
    const p = runMedkit(['credentials', 'rotate', '--data-dir', tmp()]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/no credentials to rotate: the configuration sets no auth\.credentials_file/);
    const q = runMedkit(['credentials', 'renew']);
    expect(await q.exited).toBe(2);
    expect(q.stderr()).toMatch(/unknown credentials command 'renew'/);
  });
});

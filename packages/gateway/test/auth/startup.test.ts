// Fail closed (docs/security.md, issue #15 point 7 for auth.*): each auth setting that cannot be honoured
// stops start-up with a named error before anything is opened, and never quotes a secret. Also through
// the real `medkit` command: exit code 2 and the message, secrets from the environment never printed.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type FlatConfig } from '../../src/config/index.js';
import { ConfigError } from '@medkit/kit';
import { createGateway } from '../../src/gateway.js';
import { AuthConfigError } from '@medkit/server';
import { buildGateway, freePort, runMedkit, type MedkitProcess } from '../../../../test-support/medkit-cli.js';
import { CLIENT_ENTRIES, CLIENTS, SECRET } from '../../../../test-support/gateway/auth.js';

const dirs: string[] = [];
const procs: MedkitProcess[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'medkit-auth-start-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const p of procs) p.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts a gateway with auth flags; resolves with the error start-up stopped with (fails when it started). */
async function refusal(flags: FlatConfig): Promise<Error> {
  const dataDir = join(tmp(), 'data');
  let err: Error | undefined;
  try {
    const config = loadConfig({ env: {}, flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, 'auth.enabled': true, ...flags } });
    const g = await createGateway({ config, features: [] });
    await g.close();
  } catch (e) {
    err = e as Error;
  }
  expect(err, 'start-up must be refused').toBeDefined();
  // Refused before the store was opened.
  expect(existsSync(join(dataDir, 'medkit.db'))).toBe(false);
  return err!;
}

function keyFiles(bits = 2048) {
  const dir = tmp();
  const a = generateKeyPairSync('rsa', { modulusLength: bits });
  const b = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const files = { priv: join(dir, 'a.pem'), pub: join(dir, 'a.pub.pem'), otherPub: join(dir, 'b.pub.pem'), ec: join(dir, 'ec.pem') };
  writeFileSync(files.priv, a.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  writeFileSync(files.pub, a.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  writeFileSync(files.otherPub, b.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  writeFileSync(files.ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  return files;
}

describe('auth start-up refusals', () => {
  it('refuses an HS256 secret shorter than 32 characters, or none, without quoting it', async () => {
    const short = await refusal({ 'auth.jwt_secret': 'abc', 'auth.clients': CLIENT_ENTRIES.join(',') });
    expect(short).toBeInstanceOf(AuthConfigError);
    expect(short.message).toMatch(/auth\.jwt_secret is 3 characters; HS256 needs a secret of at least 32/);
    expect(short.message).not.toContain('abc');
    expect((await refusal({})).message).toMatch(/auth\.jwt_secret is not set/);
  });

  it('refuses RS256 without keys, with an unreadable key, a non-RSA key, a small key, or a mismatched pair', async () => {
    const k = keyFiles();
    const rs = (extra: FlatConfig) => refusal({ 'auth.jwt_algorithm': 'RS256', ...extra });
    expect((await rs({})).message).toMatch(/RS256 but auth\.jwt_secret \(the private key PEM path\) is not set/);
    expect((await rs({ 'auth.jwt_secret': k.priv })).message).toMatch(/auth\.jwt_public_key .* is not set/);
    expect((await rs({ 'auth.jwt_secret': join(tmp(), 'missing.pem'), 'auth.jwt_public_key': k.pub })).message).toMatch(/auth\.jwt_secret: cannot read the key file .*ENOENT/);
    expect((await rs({ 'auth.jwt_secret': k.pub.replace('a.pub', 'garbage'), 'auth.jwt_public_key': k.pub })).message).toMatch(/cannot read the key file/);
    const garbage = join(tmp(), 'garbage.pem');
    writeFileSync(garbage, 'not a key');
    expect((await rs({ 'auth.jwt_secret': garbage, 'auth.jwt_public_key': k.pub })).message).toMatch(/not a readable PEM private key/);
    expect((await rs({ 'auth.jwt_secret': k.ec, 'auth.jwt_public_key': k.pub })).message).toMatch(/RS256 needs an RSA key, this is ec/);
    expect((await rs({ 'auth.jwt_secret': k.priv, 'auth.jwt_public_key': k.otherPub })).message).toMatch(/does not match the private key/);
    const small = keyFiles(1024);
    expect((await rs({ 'auth.jwt_secret': small.priv, 'auth.jwt_public_key': small.pub })).message).toMatch(/1024 bits; RS256 needs at least 2048/);
  });

  it('refuses malformed client entries, unknown roles, duplicates and too many clients, naming the entry but not its secret', async () => {
    const clients = (list: string[]) => refusal({ 'auth.jwt_secret': SECRET, 'auth.clients': list });
    const role = await clients(['ok:s3cr3t-value:viewer', 'ops:hunter2-secret:superuser']);
    expect(role.message).toMatch(/auth\.clients entry 2 \(client 'ops'\) has an unknown role 'superuser'/);
    expect(role.message).not.toContain('hunter2');
    expect((await clients(['no-colons-here'])).message).toMatch(/entry 1 is malformed: expected client_id:client_secret:role/);
    expect((await clients(['id:viewer'])).message).toMatch(/malformed/);
    expect((await clients(['a:x:viewer', 'a:y:admin'])).message).toMatch(/client 'a' is listed twice/);
    expect((await clients(['bad id!:x:viewer'])).message).toMatch(/invalid client id/);
    expect((await clients(['a::viewer'])).message).toMatch(/empty or over-long secret/);
    expect((await clients(Array.from({ length: 257 }, (_, i) => `c${i}:s:viewer`))).message).toMatch(/257 entries; at most 256/);
  });

  it('refuses a misspelt auth key, a refresh lifetime below the access lifetime, and out-of-range lifetimes', async () => {
    expect((await refusal({ 'auth.jwt_secret': SECRET, 'auth.require_auth': 'all' })).message).toMatch(/unknown configuration key 'auth\.require_auth' \(command line\): every auth\.\* key guards security.*refusing to start/);
    expect((await refusal({ 'auth.jwt_secret': SECRET, 'auth.token_expiry_seconds': 7200, 'auth.refresh_token_expiry_seconds': 3600 })).message).toMatch(
      /auth\.refresh_token_expiry_seconds \(3600\) must be at least auth\.token_expiry_seconds \(7200\)/,
    );
    expect(() => loadConfig({ env: {}, flags: { 'auth.token_expiry_seconds': 0 } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, flags: { 'auth.require_auth_for': 'some' } })).toThrow(/auth\.require_auth_for/);
    expect(() => loadConfig({ env: {}, flags: { 'auth.jwt_algorithm': 'none' } })).toThrow(/auth\.jwt_algorithm/);
  });

  it('takes the secret and the clients from MEDKIT_JWT_SECRET and MEDKIT_AUTH_CLIENTS', () => {
    const config = loadConfig({ env: { MEDKIT_JWT_SECRET: SECRET, MEDKIT_AUTH_CLIENTS: CLIENT_ENTRIES.join(',') }, flags: {} });
    expect(config.get('auth.jwt_secret')).toBe(SECRET);
    expect(config.get('auth.clients')).toEqual(CLIENT_ENTRIES);
  });
});

describe('medkit gateway with auth (real process)', () => {
  beforeAll(() => buildGateway(), 180_000);

  it('exits with code 2 naming the weak secret', async () => {
    const p = runMedkit(['gateway', '--no-ros', '--data-dir', tmp(), '--set', 'auth.enabled=true'], { MEDKIT_JWT_SECRET: 'short-secret' });
    procs.push(p);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/medkit: auth\.jwt_secret is 12 characters; HS256 needs a secret of at least 32/);
    expect(p.stderr() + p.stdout()).not.toContain('short-secret');
  });

  it('serves the Postman flow with secrets from the environment and never prints them', async () => {
    const port = await freePort();
    const p = runMedkit(['gateway', '--no-ros', '--data-dir', tmp(), '--port', String(port), '--set', 'auth.enabled=true', '--set', 'logging.level=debug'], {
      MEDKIT_JWT_SECRET: SECRET,
      MEDKIT_AUTH_CLIENTS: CLIENT_ENTRIES.join(','),
    });
    procs.push(p);
    await p.waitFor(/http:\/\/[^\s]+/);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const r = await fetch(`${base}/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENTS.admin.id, client_secret: CLIENTS.admin.secret }),
    });
    expect(r.status).toBe(200);
    const { access_token: token } = (await r.json()) as { access_token: string };
    // A mutating route with the bearer token gets past authentication (400 for the empty body, not 401/403).
    const call = await fetch(`${base}/updates`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect([401, 403]).not.toContain(call.status);
    expect((await fetch(`${base}/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    p.child.kill('SIGTERM');
    await p.exited;
    const output = p.stdout() + p.stderr();
    expect(output).toContain('auth.clients = (hidden)');
    for (const secret of [SECRET, ...Object.values(CLIENTS).map((c) => c.secret), token]) expect(output).not.toContain(secret);
  });
});

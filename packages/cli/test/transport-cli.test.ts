// The transport as the `medkit` command runs it: the banner's bound address (the exposure rule: secure-defaults.test.ts),
// `--profile secure` refusing to start without what it needs, and SIGHUP rotating the certificate.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateway, freePort, runMedkit, type MedkitProcess } from '../../../test-support/medkit-cli.js';
import { describeWith, OPENSSL } from '../../../test-support/requirements.js';
import { createTestPki, type TestPki } from '../../../test-support/certificates.js';
import { tlsRequest } from '../../../test-support/tls-client.js';
import { waitFor } from '../../../test-support/processes.js';

const procs: MedkitProcess[] = [];
let dir: string;
let pki: TestPki;

/** Resolves once the process has written `re` to stderr (bounded). */
async function stderrShows(p: MedkitProcess, re: RegExp): Promise<void> {
  await waitFor(() => (re.test(p.stderr()) ? true : undefined), `stderr to show ${re}`, 30_000).catch(() => undefined);
  expect(p.stderr()).toMatch(re);
}

describeWith(OPENSSL, 'medkit command: transport', () => {
  beforeAll(() => {
    buildGateway();
    dir = mkdtempSync(join(tmpdir(), 'medkit-cli-tls-'));
    pki = createTestPki();
  }, 180_000);
  afterAll(() => {
    for (const p of procs) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    pki?.remove();
  });

  it('--host 0.0.0.0 opted in without auth (server.allow_unauthenticated_remote): the banner shows the address actually bound and warns that auth is off', async () => {
    const port = await freePort();
    const p = runMedkit(['gateway', '--no-ros', '--host', '0.0.0.0', '--port', String(port), '--data-dir', join(dir, 'wild'), '--set', 'server.allow_unauthenticated_remote=true'], { MEDKIT_LOG_LEVEL: 'warn' });
    procs.push(p);
    await p.waitFor(/medkit gateway ready[\s\S]*data dir/, 180_000);
    expect(p.stdout()).toMatch(new RegExp(`listening\\s+http://0\\.0\\.0\\.0:${port}/api/v1 \\(all interfaces`));
    await stderrShows(p, /WARNING: listening on 0\.0\.0\.0:\d+, beyond loopback, without authentication: .* \(server\.allow_unauthenticated_remote: true\)/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 240_000);

  it('--profile secure refuses to start, naming the secret, the certificate and the CORS origins it lacks', async () => {
    const p = runMedkit(['gateway', '--no-ros', '--profile', 'secure', '--data-dir', join(dir, 'sec0')], { MEDKIT_AUTH_JWT_SECRET: 'short' });
    expect(await p.exited).toBe(2);
    const err = p.stderr();
    expect(err).toMatch(/the secure profile cannot start/);
    expect(err).toMatch(/auth\.jwt_secret is too weak: 5 characters, at least 32 needed/);
    expect(err).toMatch(/server\.tls\.cert_file is missing/);
    expect(err).toMatch(/server\.tls\.key_file is missing/);
    expect(err).toMatch(/cors\.allowed_origins is empty/);
    const bad = runMedkit(['gateway', '--profile', 'paranoid']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/unknown profile 'paranoid' \(one of: default, secure\)/);
  }, 240_000);

  it('--profile secure with a secret, a certificate and origins serves HTTPS 1.3; SIGHUP serves a new certificate and keeps it when the next files are broken', async () => {
    const first = pki.issue('cli-1', '/CN=cli-rotation-1', { server: true });
    const second = pki.issue('cli-2', '/CN=cli-rotation-2', { server: true });
    const live = { cert: join(dir, 'live.pem'), key: join(dir, 'live.key') };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    const port = await freePort();
    const p = runMedkit(
      ['gateway', '--no-ros', '--profile', 'secure', '--port', String(port), '--data-dir', join(dir, 'sec1'), '--set', `server.tls.cert_file=${live.cert}`, '--set', `server.tls.key_file=${live.key}`, '--set', 'cors.allowed_origins=https://ui.example'],
      { MEDKIT_AUTH_JWT_SECRET: 'x'.repeat(40), MEDKIT_LOG_LEVEL: 'warn' },
    );
    procs.push(p);
    await p.waitFor(/medkit gateway ready[\s\S]*data dir/, 180_000);
    expect(p.stdout()).toMatch(new RegExp(`listening\\s+https://127\\.0\\.0\\.1:${port}/api/v1`));
    expect(p.stdout()).toMatch(/docs\s+disabled/);
    const url = `https://127.0.0.1:${port}/api/v1/health`;
    expect((await tlsRequest(url, { ca: pki.caCert })).serverCn).toBe('cli-rotation-1');
    await expect(tlsRequest(url, { ca: pki.caCert, maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|alert/i);

    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    p.child.kill('SIGHUP');
    await stderrShows(p, /SIGHUP: TLS certificate reloaded/);
    expect((await tlsRequest(url, { ca: pki.caCert })).serverCn).toBe('cli-rotation-2');

    writeFileSync(live.key, 'garbage');
    p.child.kill('SIGHUP');
    await stderrShows(p, /SIGHUP: TLS reload failed, keeping the previous certificate: server\.tls\.key_file .* is not a PEM private key/);
    expect((await tlsRequest(url, { ca: pki.caCert })).serverCn).toBe('cli-rotation-2');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 240_000);
});

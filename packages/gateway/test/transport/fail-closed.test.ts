// Security keys that are set but cannot be honoured stop start-up with an error naming the key (never a
// silent fall-back to cleartext or to an open CORS policy), and the secure profile names what it lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createTestPki, type TestPki } from '../../../../test-support/certificates.js';
import { startTestGateway } from '../../../../test-support/gateway/gateway.js';
import { loadConfig } from '../../src/config/index.js';
import { FEATURE_KEYS } from '@medkit/cli';
import { profileFile, secureProfileProblems } from '../../src/transport/index.js';

// One data dir for every refused start (startTestGateway leaves its own behind when start-up throws).
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-fail-closed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const refuses = (flags: Record<string, unknown>) => startTestGateway({ flags, dataDir });

describeWith(OPENSSL, 'fail closed: server.tls.*', () => {
  let pki: TestPki;
  let server: { cert: string; key: string };
  let other: { cert: string; key: string };
  beforeAll(() => {
    pki = createTestPki();
    server = pki.issue('server', '/CN=s', { server: true });
    other = pki.issue('other', '/CN=o', { server: true });
  });
  afterAll(() => pki?.remove());
  const tls = (extra: Record<string, unknown>) => ({ 'server.tls.enabled': true, 'server.tls.cert_file': server.cert, 'server.tls.key_file': server.key, ...extra });

  it('a missing certificate or key is named', async () => {
    await expect(refuses({ 'server.tls.enabled': true })).rejects.toThrow(/server\.tls\.cert_file is missing[\s\S]*server\.tls\.key_file is missing/);
  });
  it('an unreadable file is named with the reason', async () => {
    await expect(refuses(tls({ 'server.tls.cert_file': join(pki.dir, 'nope.pem') }))).rejects.toThrow(/server\.tls\.cert_file '.*nope\.pem' cannot be read: ENOENT/);
    if (process.getuid?.() !== 0) {
      const locked = join(pki.dir, 'locked.key');
      writeFileSync(locked, 'x');
      chmodSync(locked, 0o000);
      await expect(refuses(tls({ 'server.tls.key_file': locked }))).rejects.toThrow(/server\.tls\.key_file '.*locked\.key' cannot be read: EACCES/);
    }
  });
  it('a key that does not match its certificate is named', async () => {
    await expect(refuses(tls({ 'server.tls.key_file': other.key }))).rejects.toThrow(/server\.tls\.key_file .* does not match the certificate/);
  });
  it('files that are not PEM are named', async () => {
    await expect(refuses(tls({ 'server.tls.cert_file': server.key }))).rejects.toThrow(/server\.tls\.cert_file .* is not a PEM certificate/);
    await expect(refuses(tls({ 'server.tls.ca_file': server.key }))).rejects.toThrow(/server\.tls\.ca_file .* holds no PEM certificate/);
  });
  it('a bad min_version is refused', async () => {
    await expect(refuses(tls({ 'server.tls.min_version': '1.1' }))).rejects.toThrow(/server\.tls\.min_version="1\.1" \(command line\) is invalid: allowed values are 1\.2, 1\.3; refusing to start/);
  });
  it('TLS-only keys without server.tls.enabled are refused', async () => {
    await expect(refuses({ 'server.tls.ca_file': pki.caCert })).rejects.toThrow(/server\.tls\.ca_file is set but server\.tls\.enabled is false/);
    await expect(refuses({ 'server.tls.cert_file': server.cert, 'server.tls.key_file': server.key })).rejects.toThrow(/server\.tls\.cert_file is set but server\.tls\.enabled is false/);
    await expect(refuses({ 'server.tls.min_version': '1.3' })).rejects.toThrow(/server\.tls\.min_version is set but/);
  });
  it('require_client_cert and client_roles need a CA; role entries are checked', async () => {
    await expect(refuses(tls({ 'server.tls.require_client_cert': true }))).rejects.toThrow(/server\.tls\.require_client_cert needs server\.tls\.ca_file/);
    await expect(refuses(tls({ 'server.tls.client_roles': 'CN=a:admin' }))).rejects.toThrow(/server\.tls\.client_roles needs server\.tls\.ca_file/);
    await expect(refuses(tls({ 'server.tls.ca_file': pki.caCert, 'server.tls.client_roles': 'CN=a:root' }))).rejects.toThrow(/role 'root' is not one of viewer, operator, configurator, admin/);
    await expect(refuses(tls({ 'server.tls.ca_file': pki.caCert, 'server.tls.client_roles': 'ops-laptop' }))).rejects.toThrow(/must read <ATTR>=<value>:<role>/);
  });
  it('an unknown server.tls key (a typo) is refused, not ignored', async () => {
    await expect(refuses(tls({ 'server.tls.require_client_certs': true }))).rejects.toThrow(/unknown configuration key 'server\.tls\.require_client_certs' \(command line\) \(did you mean 'server\.tls\.require_client_cert'\?\): every server\.tls\.\* key guards security/);
  });
});

describe('fail closed: CORS and the secure profile', () => {
  it('a CORS entry that is not an origin (no scheme, a path) is refused, named', () => {
    expect(() => loadConfig({ env: {}, flags: { 'cors.allowed_origins': 'https://ui.example/, localhost:5173, http://ok.example:*' } })).toThrow(
      /cors\.allowed_origins entries must be origins .*: 'https:\/\/ui\.example\/', 'localhost:5173'$/,
    );
  });

  it("'*' with credentials is refused", () => {
    expect(() => loadConfig({ env: {}, flags: { 'cors.allowed_origins': '*', 'cors.allow_credentials': true } })).toThrow(/contains '\*' while cors\.allow_credentials is true/);
  });

  it('the secure profile alone names the secret, the certificate and the CORS origins it lacks', () => {
    const config = loadConfig({ env: {}, configFiles: [profileFile('secure')], extraKeys: FEATURE_KEYS });
    expect(secureProfileProblems(config)).toEqual([
      'auth.jwt_secret is missing (at least 32 characters; set MEDKIT_AUTH_JWT_SECRET from a secret store)',
      'server.tls.cert_file is missing (the server certificate, PEM)',
      "server.tls.key_file is missing (the certificate's private key, PEM)",
      'cors.allowed_origins is empty (list the exact origins of your web UIs)',
    ]);
    const weak = loadConfig({ env: { MEDKIT_AUTH_JWT_SECRET: 'abc' }, configFiles: [profileFile('secure')], extraKeys: FEATURE_KEYS });
    expect(secureProfileProblems(weak)[0]).toBe('auth.jwt_secret is too weak: 3 characters, at least 32 needed');
  });

  it('the secure profile sets what docs/triggers.md lists, under the user\'s own settings', () => {
    const c = loadConfig({ env: {}, configFiles: [profileFile('secure')], flags: { 'rate_limiting.client_requests_per_minute': 30 }, extraKeys: FEATURE_KEYS });
    expect({
      auth: c.effective('auth.enabled'),
      for: c.effective('auth.require_auth_for'),
      tls: c.effective('server.tls.enabled'),
      min: c.effective('server.tls.min_version'),
      rate: c.effective('rate_limiting.enabled'),
      rpm: c.effective('rate_limiting.client_requests_per_minute'),
      uploads: c.effective('scripts.allow_uploads'),
      docs: c.effective('docs.enabled'),
      upload: c.effective('bulk_data.max_upload_size'),
      locksApps: c.effective('locking.defaults.apps.lock_required_scopes'),
      locksComponents: c.effective('locking.defaults.components.lock_required_scopes'),
      peersTls: c.effective('aggregation.require_tls'),
    }).toEqual({ auth: true, for: 'all', tls: true, min: '1.3', rate: true, rpm: 30, uploads: false, docs: false, upload: 25 * 1024 * 1024, locksApps: ['operations'], locksComponents: ['operations'], peersTls: true });
    // The default profile file is the built-in defaults written out.
    const d = loadConfig({ env: {}, configFiles: [profileFile('default')], extraKeys: FEATURE_KEYS });
    const builtIn = loadConfig({ env: {}, extraKeys: FEATURE_KEYS });
    for (const key of d.explicit) expect(d.effective(key), key).toEqual(builtIn.effective(key));
    expect(d.adjustments).toEqual([]);
  });
});

// Federation over TLS: a primary reaches its peer over HTTPS verified against aggregation.ca_file, presents
// its own client certificate to a peer that requires mutual TLS, forwards the caller's Authorization only
// with forward_auth, and refuses cleartext peers under require_tls.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createTestPki, type TestPki } from '../../../../test-support/certificates.js';
import { eventually, startPeer, type TestPeer } from '../aggregation/support.js';

type Json = Record<string, unknown>;

describeWith(OPENSSL, 'federation over TLS', () => {
  let pki: TestPki;
  let arm: TestPeer;
  const started: TestPeer[] = [];
  let primaryCert: { cert: string; key: string };
  const primary = async (name: string, flags: Record<string, unknown>) => {
    const p = await startPeer({ name, manifest: 'main.yaml', peers: [{ name: 'arm', url: arm.url }], flags: { 'aggregation.require_tls': true, ...flags } });
    started.push(p);
    return p;
  };
  const json = async (url: string, init?: RequestInit) => (await (await fetch(url, init)).json()) as Json;
  const peerStatus = async (p: TestPeer) => {
    await p.aggregation!.checkNow();
    return ((await json(`${p.url}/api/v1/health`)).peers as Json[])[0].status;
  };

  beforeAll(async () => {
    pki = createTestPki();
    const server = pki.issue('arm-server', '/CN=arm', { server: true });
    primaryCert = pki.issue('primary', '/CN=primary');
    arm = await startPeer({
      name: 'arm',
      manifest: 'arm.yaml',
      flags: {
        'server.tls.enabled': true,
        'server.tls.cert_file': server.cert,
        'server.tls.key_file': server.key,
        'server.tls.ca_file': pki.caCert,
        'server.tls.require_client_cert': true,
        'server.tls.client_roles': 'CN=primary:admin',
      },
    });
    started.push(arm);
  });
  afterAll(async () => {
    for (const p of started.reverse()) await p.close();
    pki?.remove();
  });

  it('merges a peer served over mutual TLS and forwards Authorization with forward_auth', async () => {
    const main = await primary('main', {
      'aggregation.ca_file': pki.caCert,
      'aggregation.client_cert_file': primaryCert.cert,
      'aggregation.client_key_file': primaryCert.key,
      'aggregation.forward_auth': true,
    });
    expect(arm.url).toMatch(/^https:/);
    await eventually(async () => (await peerStatus(main)) === 'online');
    const apps = (await json(`${main.url}/api/v1/apps`)).items as Json[];
    expect(apps.map((a) => a.id)).toContain('gripper');
    const run = await fetch(`${main.url}/api/v1/apps/gripper/operations/open/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer caller-token', 'x-client-id': 'c1' },
      body: '{}',
    });
    expect(run.status).toBe(202);
    expect(await run.json()).toMatchObject({ gateway: 'arm', app_id: 'gripper', client_id: 'c1', authorization: 'Bearer caller-token' });
  });

  it('without forward_auth the Authorization header stays on the primary', async () => {
    const main = await primary('main2', { 'aggregation.ca_file': pki.caCert, 'aggregation.client_cert_file': primaryCert.cert, 'aggregation.client_key_file': primaryCert.key });
    await eventually(async () => (await peerStatus(main)) === 'online');
    const run = await fetch(`${main.url}/api/v1/apps/gripper/operations/open/executions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer caller-token' }, body: '{}' });
    expect(await run.json()).toMatchObject({ gateway: 'arm', authorization: null });
  });

  it('a peer whose certificate is not from aggregation.ca_file, or that wants a client certificate we lack, stays offline', async () => {
    const untrusting = await primary('main3', { 'aggregation.ca_file': pki.otherCaCert, 'aggregation.client_cert_file': primaryCert.cert, 'aggregation.client_key_file': primaryCert.key });
    expect(await peerStatus(untrusting)).toBe('offline');
    const noClientCert = await primary('main4', { 'aggregation.ca_file': pki.caCert });
    expect(await peerStatus(noClientCert)).toBe('offline');
  });

  it('require_tls: a static http:// peer stops start-up with a named error; a discovered one is skipped', async () => {
    await expect(startPeer({ name: 'main5', manifest: 'main.yaml', peers: [{ name: 'plain', url: 'http://127.0.0.1:9' }], flags: { 'aggregation.require_tls': true } })).rejects.toThrow(
      /peer 'plain' \(http:\/\/127\.0\.0\.1:9\) is http:\/\/ but aggregation\.require_tls is set/,
    );
    const main = await primary('main6', { 'aggregation.ca_file': pki.caCert, 'aggregation.client_cert_file': primaryCert.cert, 'aggregation.client_key_file': primaryCert.key });
    expect(main.aggregation!.addDiscovered({ name: 'found', url: 'http://127.0.0.1:9' })).toBe(false);
    expect(main.aggregation!.addDiscovered({ name: 'found-tls', url: 'https://127.0.0.1:9' })).toBe(true);
  });

  it('outbound TLS files that cannot be honoured stop start-up, named', async () => {
    await expect(primary('main7', { 'aggregation.ca_file': '/nonexistent/ca.pem' })).rejects.toThrow(/aggregation\.ca_file '\/nonexistent\/ca\.pem' cannot be read: ENOENT/);
    await expect(primary('main8', { 'aggregation.client_cert_file': primaryCert.cert })).rejects.toThrow(/aggregation\.client_cert_file and aggregation\.client_key_file go together/);
  });
});

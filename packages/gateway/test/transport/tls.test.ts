// HTTPS, mutual TLS and certificate reload against a real gateway with certificates made by openssl at test time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createTestPki, type TestPki } from '../../../../test-support/certificates.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { tlsRequest } from '../../../../test-support/tls-client.js';
import type { GatewayFeature } from '../../src/feature.js';
import { API_BASE } from '@medkit/server';
import { Opaque } from '@medkit/server';

/** A route that answers with the identity the pipeline read (what the role stage will see). */
const whoami: GatewayFeature = {
  name: 'whoami',
  routes: () => (app) => {
    app.get(`${API_BASE}/x-test/whoami`, { schema: { operationId: 'testWhoami', summary: 'test', tags: ['test'], response: { 200: Opaque() } } }, async (request) => ({ ...request.client }));
  },
};

describeWith(OPENSSL, 'transport: HTTPS and mutual TLS', () => {
  let pki: TestPki;
  let server: { cert: string; key: string };
  let client: { cert: string; key: string };
  let unmapped: { cert: string; key: string };
  let foreign: { cert: string; key: string };
  const gateways: TestGateway[] = [];
  const start = async (flags: Record<string, unknown>) => {
    const g = await startTestGateway({ flags: { 'server.tls.enabled': true, 'server.tls.cert_file': server.cert, 'server.tls.key_file': server.key, ...flags }, features: [whoami] });
    gateways.push(g);
    return g;
  };

  beforeAll(() => {
    pki = createTestPki();
    server = pki.issue('server', '/CN=medkit-server-1', { server: true });
    client = pki.issue('client', '/O=Acme/CN=ops-laptop');
    unmapped = pki.issue('unmapped', '/CN=visitor');
    foreign = pki.issue('foreign', '/CN=ops-laptop', { ca: 'other' });
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    pki?.remove();
  });

  it('serves HTTPS, and a TLS 1.2 client is refused when min_version is 1.3', async () => {
    const g = await start({ 'server.tls.min_version': '1.3' });
    expect(g.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ok = await tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert });
    expect(ok.status).toBe(200);
    await expect(tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert, maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol|version|alert/i);
  });

  it('accepts a TLS 1.2 client under the default min_version 1.2', async () => {
    const g = await start({});
    expect((await tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert, maxVersion: 'TLSv1.2' })).status).toBe(200);
  });

  it('mTLS with require_client_cert: no certificate and another CA are refused, a valid one is served with its mapped role', async () => {
    const g = await start({ 'server.tls.ca_file': pki.caCert, 'server.tls.require_client_cert': true, 'server.tls.client_roles': 'CN=ops-laptop:operator' });
    const url = `${g.url}/api/v1/x-test/whoami`;
    await expect(tlsRequest(url, { ca: pki.caCert })).rejects.toThrow(/certificate required|hang up|ECONNRESET/i);
    await expect(tlsRequest(url, { ca: pki.caCert, ...foreign })).rejects.toThrow(/unknown ca|hang up|ECONNRESET/i);
    const ok = await tlsRequest(url, { ca: pki.caCert, ...client, headers: { 'x-client-id': 'laptop-1' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ id: 'laptop-1', certificateSubject: 'O=Acme, CN=ops-laptop', certificateRole: 'operator' });
    // A verified certificate with no rule is an identity without a role.
    expect((await tlsRequest(url, { ca: pki.caCert, ...unmapped })).json()).toEqual({ certificateSubject: 'CN=visitor' });
  });

  it('with ca_file but no require_client_cert: clients without a certificate are served, a valid certificate still counts, another CA\'s does not', async () => {
    const g = await start({ 'server.tls.ca_file': pki.caCert, 'server.tls.client_roles': ['CN=ops-laptop:admin'] });
    const url = `${g.url}/api/v1/x-test/whoami`;
    expect((await tlsRequest(url, { ca: pki.caCert })).json()).toEqual({});
    expect((await tlsRequest(url, { ca: pki.caCert, ...foreign })).json()).toEqual({});
    expect((await tlsRequest(url, { ca: pki.caCert, ...client })).json()).toEqual({ certificateSubject: 'O=Acme, CN=ops-laptop', certificateRole: 'admin' });
  });

  it('reload serves the new certificate, and keeps the old one when the new files are invalid', async () => {
    const first = pki.issue('rot-1', '/CN=rotation-1', { server: true });
    const live = { cert: join(pki.dir, 'live.pem'), key: join(pki.dir, 'live.key') };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    const g = await start({ 'server.tls.cert_file': live.cert, 'server.tls.key_file': live.key });
    expect((await tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert })).serverCn).toBe('rotation-1');

    const second = pki.issue('rot-2', '/CN=rotation-2', { server: true });
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    expect(g.gateway.reloadTls()).toMatchObject({ ok: true });
    expect((await tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert })).serverCn).toBe('rotation-2');

    // A key that does not match the certificate: refused, rotation-2 stays.
    copyFileSync(first.key, live.key);
    const bad = g.gateway.reloadTls();
    expect(bad).toMatchObject({ ok: false });
    expect(bad?.message).toMatch(/server\.tls\.key_file .* does not match/);
    writeFileSync(live.cert, 'not a certificate');
    expect(g.gateway.reloadTls()).toMatchObject({ ok: false });
    expect((await tlsRequest(`${g.url}/api/v1/health`, { ca: pki.caCert })).serverCn).toBe('rotation-2');
  });
});

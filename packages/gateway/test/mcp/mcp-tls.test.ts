// `/mcp` on a gateway that serves HTTPS with mutual TLS required: the agent connects with its client
// certificate, and each tool's REST call is served in-process (no socket back to itself), so neither the
// TLS settings nor the client-certificate requirement can break it. Before, the tools called
// http://<bound address>, which a TLS listener cannot answer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expectToolsAnswerFromTree } from './tree-check.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createTestPki, type TestPki } from '../../../../test-support/certificates.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

describeWith(OPENSSL, '/mcp behind HTTPS with mutual TLS', () => {
  let pki: TestPki;
  let gw: TestGateway;
  let agent: Agent;
  beforeAll(async () => {
    pki = createTestPki();
    const server = pki.issue('server', '/CN=medkit-server-1', { server: true });
    const client = pki.issue('agent', '/CN=agent-laptop');
    gw = await startTestGateway({
      defaults: true,
      flags: {
        'server.tls.enabled': true, 'server.tls.cert_file': server.cert, 'server.tls.key_file': server.key,
        'server.tls.ca_file': pki.caCert, 'server.tls.require_client_cert': true,
        'mcp.enabled': true, 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false,
      },
    });
    agent = new Agent({ connect: { ca: readFileSync(pki.caCert), cert: readFileSync(client.cert), key: readFileSync(client.key) } });
  });
  afterAll(async () => {
    await gw?.close();
    await agent?.close();
    pki?.remove();
  });

  it('lists the tools and answers a tool from the gateway\'s own tree', async () => {
    const base = gw.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '');
    expect(base).toMatch(/^https:/);
    const tlsFetch = ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
    const client = new Client({ name: 'tls-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { fetch: tlsFetch, requestInit: { headers: { 'X-Client-Id': 'agent-a' } } }));
    try {
      await expectToolsAnswerFromTree(client, `${base}/api/v1`, tlsFetch);
    } finally {
      await client.close();
    }
  });
});

// `/mcp` served by the gateway itself (mcp.enabled): the SDK's streamable-HTTP client against a real
// gateway with the example AMR manifest. Tool calls go back through the REST API with the caller's
// X-Client-Id, so a lock held by someone else refuses the agent's mutating call like any other client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expectToolsAnswerFromTree } from './tree-check.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

async function connect(base: string, clientId: string): Promise<Client> {
  const client = new Client({ name: 'route-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { 'X-Client-Id': clientId } } }));
  return client;
}

describe('/mcp on the gateway', () => {
  let gw: TestGateway;
  let base: string;
  let api: string;
  beforeAll(async () => {
    gw = await startTestGateway({ defaults: true, flags: { 'mcp.enabled': true, 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false } });
    base = gw.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '');
    api = `${base}/api/v1`;
  });
  afterAll(async () => gw?.close());

  it('lists the tools and answers them from the gateway\'s own tree', async () => {
    const client = await connect(base, 'agent-a');
    try {
      await expectToolsAnswerFromTree(client, api);
    } finally {
      await client.close();
    }
  });

  it('judges a mutating call under the caller\'s X-Client-Id (lock held by another client → 409)', async () => {
    const apps = (await (await fetch(`${api}/apps`)).json()) as { items: { id: string }[] };
    const app = apps.items[0].id;
    const lock = await fetch(`${api}/apps/${app}/locks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client-id': 'someone-else' }, body: JSON.stringify({ lock_expiration: 60 }) });
    expect(lock.status).toBe(201);
    const client = await connect(base, 'agent-a');
    try {
      const r = (await client.callTool({ name: 'sovd_set_configuration', arguments: { entity_type: 'apps', entity_id: app, config_id: 'any', value: 1 } })) as { content: { text: string }[]; isError?: boolean };
      expect(r.isError).toBe(true);
      expect(JSON.parse(r.content[0].text).status).toBe(409);
    } finally {
      await client.close();
    }
  });
});

describe('/mcp off by default', () => {
  it('is not served unless mcp.enabled', async () => {
    const gw = await startTestGateway({ defaults: true, flags: { 'ui.enabled': false } });
    try {
      const r = await fetch(`${gw.url.replace(/\/api\/v1\/?$/, '')}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(r.status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});

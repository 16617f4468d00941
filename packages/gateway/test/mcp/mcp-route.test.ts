// `/mcp` served by the gateway itself (mcp.enabled): the SDK's streamable-HTTP client against a real
// gateway with the example AMR manifest. Tool calls go back through the REST API with the caller's
// X-Client-Id, so a lock held by someone else refuses the agent's mutating call like any other client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expectToolsAnswerFromTree } from './tree-check.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';

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

describe('/mcp bulk data', () => {
  let gw: TestGateway;
  let base: string;
  beforeAll(async () => {
    gw = await startTestGateway({ defaults: true, flags: { 'mcp.enabled': true, 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false, 'bulk_data.categories': ['calibration'] } });
    base = gw.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '');
  });
  afterAll(async () => gw?.close());

  type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };

  it('uploads a file as multipart, lists it, downloads it as base64 within max_bytes, and deletes it', async () => {
    const client = await connect(base, 'agent-b');
    try {
      const apps = (await (await fetch(`${base}/api/v1/apps`)).json()) as { items: { id: string }[] };
      const where = { entity_type: 'apps', entity_id: apps.items[0].id, category: 'calibration' };
      const file = Buffer.from('fx: 612.5\nfy: 611.9\n'.repeat(20));
      const up = (await client.callTool({ name: 'ros2_medkit_bulk_data_upload', arguments: { ...where, filename: 'intrinsics.yaml', mimetype: 'application/x-yaml', content_base64: file.toString('base64'), metadata: { bench: 'B2' } } })) as Result;
      expect(up.isError, up.content[0].text).not.toBe(true);
      const id = up.structuredContent!.id as string;
      expect(up.structuredContent!.size).toBe(file.length);
      const listed = (await client.callTool({ name: 'sovd_bulk_data_list', arguments: where })) as Result;
      expect((listed.structuredContent!.items as { id: string }[]).map((i) => i.id)).toContain(id);
      const down = (await client.callTool({ name: 'sovd_bulk_data_download', arguments: { ...where, file_id: id } })) as Result;
      expect(down.isError, down.content[0].text).not.toBe(true);
      expect(Buffer.from(down.structuredContent!.data as string, 'base64').equals(file)).toBe(true);
      // Over the cap: refused with the URL, not read.
      const big = (await client.callTool({ name: 'sovd_bulk_data_download', arguments: { ...where, file_id: id, max_bytes: 16 } })) as Result;
      expect(big.isError).toBe(true);
      expect(JSON.parse(big.content[0].text)).toMatchObject({ error_code: 'payload-too-large', details: { url: expect.stringContaining(`/bulk-data/calibration/${id}`) } });
      const del = (await client.callTool({ name: 'ros2_medkit_bulk_data_delete', arguments: { ...where, file_id: id } })) as Result;
      expect(del.isError, del.content[0].text).not.toBe(true);
      const gone = (await client.callTool({ name: 'sovd_bulk_data_download', arguments: { ...where, file_id: id } })) as Result;
      expect(JSON.parse(gone.content[0].text)).toMatchObject({ error_code: 'resource-not-found', status: 404 });
    } finally {
      await client.close();
    }
  });

  it("does the same under the reference server's names and arguments (bulk_data_uri, file_content, item_id, apps by default), the info by HEAD in-process", async () => {
    const client = await connect(base, 'agent-r');
    const ok = async (name: string, args: Record<string, unknown>) => {
      const r = (await client.callTool({ name, arguments: args })) as Result;
      expect(r.isError, `${name}: ${r.content[0].text}`).not.toBe(true);
      return r.structuredContent!;
    };
    try {
      const apps = (await (await fetch(`${base}/api/v1/apps`)).json()) as { items: { id: string }[] };
      const where = { entity_id: apps.items[0].id, category: 'calibration' };
      const file = Buffer.from('k1: 0.012\n'.repeat(50));
      const id = (await ok('ros2_medkit_bulkdata_upload', { ...where, file_content: file.toString('base64'), filename: 'k.yaml' })).id as string;
      const uri = `/api/v1/apps/${where.entity_id}/bulk-data/calibration/${id}`;
      expect((await (await fetch(`${base}${uri}`)).arrayBuffer()).byteLength).toBe(file.length);
      expect(await ok('sovd_bulkdata_info', { bulk_data_uri: uri })).toMatchObject({ filename: 'k.yaml', size: file.length });
      const down = await ok('ros2_medkit_bulkdata_download', { bulk_data_uri: uri });
      expect(Buffer.from(down.data as string, 'base64').equals(file)).toBe(true);
      await ok('ros2_medkit_bulkdata_delete', { ...where, item_id: id });
      expect((await fetch(`${base}${uri}`)).status).toBe(404);
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

// /mcp with authentication on: an MCP tool call is judged by the role of the REST route it becomes, with
// the agent's own bearer token. A viewer's token reads through MCP but its mutating call is refused
// (403, as the tool's error JSON), while a configurator's token gets past the role check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { authFlags, tokensOf } from '../../../../test-support/gateway/auth.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

let g: TestGateway;
let base: string;
beforeAll(async () => {
  g = await startTestGateway({
    defaults: true,
    flags: { ...authFlags({ 'auth.require_auth_for': 'write' }), 'mcp.enabled': true, 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false, 'logging.level': 'silent' },
  });
  base = g.url.replace(/\/api\/v1\/?$/, '').replace(/\/$/, '');
});
afterAll(() => g?.close());

async function agent(token: string): Promise<Client> {
  const client = new Client({ name: 'roles-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

type Result = { isError?: boolean; content: { text: string }[] };

describe('/mcp tool calls under auth', () => {
  it("refuse a mutating tool a viewer's token may not call, and let a configurator's through the role check", async () => {
    const viewer = await agent((await tokensOf(g, 'viewer')).access_token);
    const configurator = await agent((await tokensOf(g, 'configurator')).access_token);
    try {
      const listed = (await viewer.callTool({ name: 'sovd_apps_list', arguments: {} })) as Result;
      expect(listed.isError, listed.content[0].text).not.toBe(true);
      const app = JSON.parse(listed.content[0].text).items[0].id as string;

      const refused = (await viewer.callTool({ name: 'ros2_medkit_delete_all_configurations', arguments: { entity_type: 'apps', entity_id: app } })) as Result;
      expect(refused.isError).toBe(true);
      expect(JSON.parse(refused.content[0].text)).toMatchObject({ status: 403, source: 'gateway' });

      const allowed = (await configurator.callTool({ name: 'ros2_medkit_delete_all_configurations', arguments: { entity_type: 'apps', entity_id: app } })) as Result;
      // Without ROS the reset itself may fail, but not for the role.
      if (allowed.isError) expect(JSON.parse(allowed.content[0].text).status).not.toBe(403);
    } finally {
      await viewer.close();
      await configurator.close();
    }
  });
});

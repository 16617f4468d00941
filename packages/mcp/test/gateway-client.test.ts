// The MCP server on @medkit/client against a real HTTP server standing in for the gateway: the bearer
// token and X-Client-Id on every call (a GET too), the deadline, the 4 MiB response cap, and the mapping
// of each failure to the documented tool error (status, SOVD code, vendor code, source).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, DEFAULT_MAX_RESPONSE_BYTES, execute, createMcpClient } from '../src/index.js';

let server: Server;
let api: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('/version-info')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"sovd_info":[]}');
    if (path.endsWith('/health')) return void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 2000);
    if (path.endsWith('/apps')) {
      // More than the cap, without Content-Length: refused while streaming.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < DEFAULT_MAX_RESPONSE_BYTES / chunk.length + 2; i++) res.write(chunk);
      return void res.end();
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'vendor-error', vendor_code: 'x-medkit-entity-not-found', message: 'no such app', parameters: { entity_id: 'x' } }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const tool = (name: string) => CATALOG.find((d) => d.name === name)!;
const client = (timeoutMs = 5000) => createMcpClient({ baseUrl: api, timeoutMs, bearerToken: 'tok', clientId: 'agent-7' });
async function run(name: string, args: Record<string, unknown>, timeoutMs?: number) {
  const r = await execute(tool(name), args, client(timeoutMs), { maxChars: 20_000 });
  return { isError: r.isError === true, body: JSON.parse((r.content[0] as { text: string }).text) as Record<string, unknown> };
}

describe('the MCP server on @medkit/client', () => {
  it('sends the bearer token and X-Client-Id on every call, a GET included', async () => {
    seen.length = 0;
    expect((await run('version', {})).isError).toBe(false);
    expect(seen[0]).toMatchObject({ authorization: 'Bearer tok', 'x-client-id': 'agent-7' });
  });

  it('maps a gateway error to the tool error: status, resource-not-found for a 404, the vendor code kept', async () => {
    const { isError, body } = await run('entities_get', { entity_type: 'apps', entity_id: 'x' });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ error_code: 'resource-not-found', status: 404, source: 'gateway', vendor_code: 'x-medkit-entity-not-found', details: { message: 'no such app' } });
    expect(body.message).toBe('GET /api/v1/apps/x answered 404 x-medkit-entity-not-found: no such app');
  });

  it('turns a missed deadline into x-medkit-timeout (504) from the MCP server', async () => {
    const { body } = await run('health', {}, 300);
    expect(body).toMatchObject({ error_code: 'x-medkit-timeout', status: 504, source: 'mcp' });
    expect(body.message).toMatch(/did not answer GET \/api\/v1\/health within 300 ms/);
  });

  it('refuses an answer over the 4 MiB cap with x-medkit-response-too-large (502)', async () => {
    const { body } = await run('entities_list', { entity_type: 'apps' });
    expect(body).toMatchObject({ error_code: 'x-medkit-response-too-large', status: 502, source: 'mcp' });
    expect(body.message).toMatch(/exceeded 4194304 bytes/);
  });
});

// `medkit mcp --http` as an MCP client meets it: a connection kept alive across an agent's pause is still the
// server's to use (fetch does not retry a POST on a connection the server closed under it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { buildGateway, startMcpHttp } from '../../../test-support/medkit-cli.js';

let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  buildGateway();
  // No gateway behind it: initialize is answered by the MCP server itself.
  const started = await startMcpHttp(['--port', '0', '--url', 'http://127.0.0.1:9/api/v1']);
  child = started.child;
  url = new URL(started.url);
}, 120_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

/** POSTs one JSON-RPC message through `agent`; the status and whether the request went out on a reused connection. */
function post(agent: Agent, message: object): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(message);
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('medkit mcp --http', () => {
  it('keeps an idle client connection open across a pause of several seconds (Node closes it after 5 s)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'keep-alive-test', version: '1' } } };
      expect((await post(agent, init)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 6_500));
      const again = await post(agent, { ...init, id: 2 });
      expect(again.status).toBe(200);
      expect(again.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});

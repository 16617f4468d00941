// An SDK client wired to the MCP server over the SDK's in-memory transport, with a recording fetch in
// place of the gateway: what each tool call sends is observable without a network.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMedkitMcpServer, createMcpClient } from '../../src/index.js';

export interface Seen {
  method: string;
  url: string;
  body?: string;
  /** The body as sent (a multipart upload is bytes) with its content type. */
  raw?: RequestInit['body'];
  contentType?: string;
}

/** A client + server pair whose gateway is a fetch that records each request and answers `answer`. */
export async function pair(answer: (req: Seen) => Response = () => Response.json({ items: [] }), opts: { toolsPageSize?: number; maxOutputChars?: number; downloadDir?: string | null } = {}) {
  const seen: Seen[] = [];
  const fetchFn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const req = { method: init.method ?? 'GET', url: String(input), body: typeof init.body === 'string' ? init.body : undefined, raw: init.body, contentType: new Headers(init.headers).get('content-type') ?? undefined };
    seen.push(req);
    return answer(req);
  }) as typeof fetch;
  const server = createMedkitMcpServer({ client: createMcpClient({ baseUrl: 'http://gw.test/api/v1', timeoutMs: 1000, fetch: fetchFn }), ...opts });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'catalog-test', version: '1.0.0' });
  await Promise.all([server.connect(a), client.connect(b)]);
  return { client, seen };
}

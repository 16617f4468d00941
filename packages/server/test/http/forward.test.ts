// forwardRequest between two real node:http servers on 127.0.0.1: header policy, body streaming, size cap,
// deadline and the /api/v1 guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { forwardRequest, type ForwardOptions } from '../../src/http/forward.js';

function listen(s: Server): Promise<string> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as { port: number }).port}`)));
}

describe('forwardRequest', () => {
  let back: Server;
  let front: Server;
  let backUrl = '';
  let frontUrl = '';
  let opts: ForwardOptions = { timeoutMs: 2000, forwardAuth: false };

  beforeAll(async () => {
    back = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/hang')) return; // never answers
      if (req.url?.startsWith('/api/v1/big')) {
        res.end(Buffer.alloc(4096, 'x'));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', location: '/api/v1/apps/cam/x/1', 'x-internal': 'no' });
        res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      });
    });
    backUrl = await listen(back);
    front = createServer(async (req, res) => {
      const path = req.url ?? '/';
      const out = await forwardRequest(req, res, { peer: 'p', baseUrl: backUrl, path, rewriteLocation: (l) => l.replace('/apps/cam', '/apps/p__cam') }, opts);
      if (out.kind === 'failed') {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`${out.reason}`);
      } else if (out.kind === 'buffered') {
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      }
    });
    frontUrl = await listen(front);
  });
  afterAll(async () => {
    front.closeAllConnections();
    back.closeAllConnections();
    await new Promise((r) => front.close(r));
    await new Promise((r) => back.close(r));
  });

  it('forwards method, query, body, the allowed headers and the established client id; copies back status, type and rewritten Location', async () => {
    // The client id is the one the gateway established (the token subject with auth on), not the raw header.
    opts = { timeoutMs: 2000, forwardAuth: false, clientId: 'c1-established' };
    const res = await fetch(`${frontUrl}/api/v1/apps/cam/x?q=1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-client-id': 'c1', authorization: 'Bearer t', cookie: 'secret=1' },
      body: '{"v":1}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v1/apps/p__cam/x/1');
    expect(res.headers.get('x-internal')).toBeNull();
    const echo = (await res.json()) as { url: string; method: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ url: '/api/v1/apps/cam/x?q=1', method: 'PUT', body: '{"v":1}' });
    expect(echo.headers['x-client-id']).toBe('c1-established');
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers.cookie).toBeUndefined();
  });

  it('forwards Authorization only with forward_auth', async () => {
    opts = { timeoutMs: 2000, forwardAuth: true };
    const res = await fetch(`${frontUrl}/api/v1/apps/cam`, { headers: { authorization: 'Bearer t' } });
    expect(((await res.json()) as { headers: Record<string, string> }).headers.authorization).toBe('Bearer t');
  });

  it('fails as too_large over the cap, as timeout past the deadline, and refuses paths outside /api/v1/', async () => {
    opts = { timeoutMs: 300, forwardAuth: false, maxBytes: 1024 };
    expect(await (await fetch(`${frontUrl}/api/v1/big`)).text()).toBe('too_large');
    expect(await (await fetch(`${frontUrl}/api/v1/hang`)).text()).toBe('timeout');
    expect(await (await fetch(`${frontUrl}/admin`)).text()).toBe('unreachable');
  });
});

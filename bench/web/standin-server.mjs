// The UI benches' stand-in gateway: the built UI's files and fixed API answers on a loopback port, so a bench
// measures the page, not a gateway.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/**
 * Serves `dist` at `/`, `api[path]` as JSON and 404 for any other API path; `extra(path, res)` answers first
 * when it returns true (a recording's bytes, say).
 * @returns {Promise<{ url: string, close(): void }>}
 */
export function serveStandIn(dist, api, extra = () => false) {
  const server = createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (extra(p, res)) return;
    if (api[p]) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(api[p]));
    if (p.startsWith('/api/')) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":"resource-not-found","message":"not in the bench"}');
    const file = normalize(join(dist, p === '/' ? 'index.html' : p));
    try {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

// The response-size cap against a real HTTP server that sends too much: a body over maxResponseBytes is
// refused with MedkitResponseTooLargeError (declared by Content-Length, or only found out while
// streaming a chunked body), for success and error answers, typed and untyped calls and downloads; an
// answer at the cap is read whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMedkitClient, DEFAULT_MAX_RESPONSE_BYTES, MedkitResponseTooLargeError, SovdClientError } from '../src/index.js';

const CAP = 1000;
let server: Server;
let base: string;

/** `/api/v1/json/<n>`: a JSON answer of n bytes; `chunked` streams it without Content-Length; `error` answers 500. */
function body(n: number): string {
  const head = '{"pad":"';
  return `${head}${'x'.repeat(Math.max(0, n - head.length - 2))}"}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const n = Number(url.pathname.split('/').pop());
    const text = body(n);
    const status = url.searchParams.has('error') ? 500 : 200;
    if (url.searchParams.has('chunked')) {
      res.writeHead(status, { 'content-type': 'application/json' });
      // Many small writes: the client must stop at the cap, not after buffering the whole answer.
      for (let i = 0; i < text.length; i += 100) res.write(text.slice(i, i + 100));
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function refusal(p: Promise<unknown>): Promise<MedkitResponseTooLargeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MedkitResponseTooLargeError);
  return err as MedkitResponseTooLargeError;
}

describe('response-size cap', () => {
  it('reads an answer at the cap whole', async () => {
    const c = createMedkitClient({ baseUrl: base, maxResponseBytes: CAP });
    expect(((await c.read<{ pad: string }>(`/json/${CAP}`)).pad.length)).toBe(CAP - 10);
    expect(((await c.read<{ pad: string }>(`/json/${CAP}`, { query: { chunked: 1 } })).pad.length)).toBe(CAP - 10);
  });

  it('refuses a larger answer declared by Content-Length, with a typed error naming the cap', async () => {
    const c = createMedkitClient({ baseUrl: base, maxResponseBytes: CAP });
    const err = await refusal(c.read(`/json/${CAP + 1}`));
    expect(err).toMatchObject({ code: 'response-too-large', status: 200, maxBytes: CAP });
    expect(err.message).toMatch(/larger than 1000 bytes/);
    expect(err.describe()).toMatch(/\(200 response-too-large\)/);
  });

  it('refuses a chunked answer once it passes the cap, and an error body too', async () => {
    const c = createMedkitClient({ baseUrl: base, maxResponseBytes: CAP });
    await refusal(c.read(`/json/${50 * CAP}`, { query: { chunked: 1 } }));
    expect((await refusal(c.read(`/json/${50 * CAP}`, { query: { chunked: 1, error: 1 } }))).status).toBe(500);
    // Under the cap an error is still the gateway's error.
    await expect(c.read('/json/100', { query: { error: 1 } })).rejects.toBeInstanceOf(SovdClientError);
  });

  it('takes a per-call cap, on typed calls and downloads', async () => {
    const c = createMedkitClient({ baseUrl: base });
    expect(c.maxResponseBytes).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    await refusal(c.request('GET', '/json/5000', { maxResponseBytes: CAP }));
    await refusal(c.get('/health', { maxResponseBytes: 1 }).catch((e: unknown) => Promise.reject(e)));
    const d = await c.download('/json/5000', { maxResponseBytes: CAP, query: { chunked: 1 } });
    expect(d.status).toBe(200);
    await refusal(new Response(d.body).arrayBuffer());
    const whole = await c.download('/json/5000', { maxResponseBytes: 5000 });
    expect((await new Response(whole.body).text()).length).toBe(5000);
  });
});

// The entry script's early reads of a deep-linked incident (src/api/early-reads.ts), against a real HTTP server on
// loopback: an incident address starts the detail and recording-list reads with the tab's stored token, the typed
// client's same GET takes each answer once (one request reaches the server), a refused (401) or failed early read is
// asked again with the client's own request, other addresses and methods go to the network, and a client that
// gives up stops waiting for an early answer; the fault's newest recording asked early is taken by the download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMedkitClient } from '@medkit/client';
import { earlyFetch, startEarlyReads } from '../src/api/early-reads';
import { sessionKey } from '../src/auth/stored-session';
import { startDownload } from '../src/incident/recording-download';

/** A JWT-shaped token (the UI reads its claims, never checks its signature). */
function token(sub: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ sub, exp: Math.floor(Date.now() / 1000) + 3600, roles: ['viewer'] })}.sig`;
}

function memoryStore(entries: Record<string, string> = {}) {
  const m = new Map(Object.entries(entries));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

describe('early reads', () => {
  let server: Server;
  let gateway: string;
  const asked: { method: string; path: string; auth?: string }[] = [];
  /** Status per path; 200 with `{path}` otherwise. A held path answers once `release` is called. */
  const status = new Map<string, number>();
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '';
      asked.push({ method: req.method ?? '', path, auth: req.headers.authorization });
      if (hold) await hold;
      res.writeHead(status.get(path) ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const countOf = (path: string) => asked.filter((a) => a.path === path).length;

  it('starts the incident reads with the stored token, and the client takes each answer once', async () => {
    // One token: two calls a second apart would differ in their expiry.
    const op = token('op');
    const store = memoryStore({ [sessionKey(gateway)]: JSON.stringify({ access: op, via: 'token' }) });
    const urls = startEarlyReads(gateway, '#/incident/apps/safety%20gate/STOP%2F1', store);
    const detail = '/api/v1/apps/safety%20gate/faults/STOP%2F1';
    // The newest occurrence: the fault's newest recording is asked too.
    expect(urls).toEqual([`${gateway}${detail}`, `${gateway}/api/v1/apps/safety%20gate/bulk-data/rosbags`, `${gateway}/api/v1/apps/safety%20gate/faults/STOP%2F1/recording`]);
    const client = createMedkitClient({ baseUrl: gateway, fetch: earlyFetch });
    const body = await client.entityGet('apps', 'safety gate', '/faults/{fault_code}', { path: { fault_code: 'STOP/1' } });
    expect(body).toEqual({ path: detail });
    expect(countOf(detail)).toBe(1);
    expect(asked.find((a) => a.path === detail)?.auth).toBe(`Bearer ${op}`);
    // Taken once: the next read goes to the gateway.
    await client.entityGet('apps', 'safety gate', '/faults/{fault_code}', { path: { fault_code: 'STOP/1' } });
    expect(countOf(detail)).toBe(2);
  });

  it('asks no recording by fault for an occurrence the address names; the recording download takes the early one once', async () => {
    expect(startEarlyReads(gateway, '#/incident/apps/gate/ONE/1764410000000', memoryStore())).toHaveLength(2);
    const store = memoryStore({ [sessionKey(gateway)]: JSON.stringify({ access: token('dl'), via: 'token' }) });
    const [, , newest] = startEarlyReads(gateway, '#/incident/apps/gate/NEWEST', store);
    const path = '/api/v1/apps/gate/faults/NEWEST/recording';
    expect(newest).toBe(`${gateway}${path}`);
    const client = createMedkitClient({ baseUrl: gateway, fetch: earlyFetch });
    const download = startDownload(client, '/apps/gate/faults/NEWEST/recording');
    expect(JSON.parse(Buffer.from(await download.bytes).toString())).toEqual({ path });
    expect(countOf(path)).toBe(1);
    expect(asked.find((a) => a.path === path)?.auth).toMatch(/^Bearer /);
    // An aborted download of an early answer ends aborted, not with the bytes read so far.
    startEarlyReads(gateway, '#/incident/apps/gate/DROPPED', memoryStore());
    const dropped = startDownload(client, '/apps/gate/faults/DROPPED/recording');
    dropped.abort();
    await expect(dropped.bytes).rejects.toThrow();
  });

  it('asks again with the client’s request when the early read was refused or failed', async () => {
    const detail = '/api/v1/apps/gate/faults/REFUSED';
    status.set(detail, 401);
    startEarlyReads(gateway, '#/incident/apps/gate/REFUSED', memoryStore());
    const client = createMedkitClient({ baseUrl: gateway, fetch: earlyFetch, token: 'fresh' });
    await expect(client.entityGet('apps', 'gate', '/faults/{fault_code}', { path: { fault_code: 'REFUSED' } })).rejects.toMatchObject({ status: 401 });
    const tries = asked.filter((a) => a.path === detail);
    expect(tries.map((a) => a.auth)).toEqual([undefined, 'Bearer fresh']);

    // A gateway that is not there: the early read fails, the client's own request meets the same.
    const gone = 'http://127.0.0.1:9';
    startEarlyReads(gone, '#/incident/apps/gate/GONE', memoryStore());
    const offline = createMedkitClient({ baseUrl: gone, fetch: earlyFetch, timeoutMs: 2000 });
    await expect(offline.entityGet('apps', 'gate', '/faults/{fault_code}', { path: { fault_code: 'GONE' } })).rejects.toThrow();
  });

  it('starts nothing on other pages, and leaves other requests to the network', async () => {
    expect(startEarlyReads(gateway, '#/faults', memoryStore())).toEqual([]);
    expect(startEarlyReads(gateway, '#/entity/apps/gate/data', memoryStore())).toEqual([]);
    startEarlyReads(gateway, '#/incident/apps/gate/POSTED', memoryStore());
    const before = asked.length;
    const res = await earlyFetch(`${gateway}/api/v1/apps/gate/faults/POSTED`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    // The DELETE went out itself (the early GET may or may not have reached the server by now).
    expect(asked.slice(before).some((a) => a.method === 'DELETE')).toBe(true);
  });

  it('stops waiting for an early answer when the client gives up', async () => {
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    try {
      startEarlyReads(gateway, '#/incident/apps/gate/SLOW', memoryStore());
      const ctl = new AbortController();
      const pending = earlyFetch(new Request(`${gateway}/api/v1/apps/gate/faults/SLOW`, { signal: ctl.signal }));
      ctl.abort(new Error('deadline'));
      await expect(pending).rejects.toThrow('deadline');
    } finally {
      release();
      hold = undefined;
    }
  });
});

// Browser-borne attacks on a gateway bound to loopback: DNS rebinding (a foreign Host header) and cross-origin
// state changes (a multipart form needs no CORS preflight). Real gateway, real scripts feature, raw HTTP so the
// Host and Origin headers are exactly what a browser would send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { buildHostAllowList, checkHost, type HostAllowList } from '@medkit/server';
import { parseAuthority, parseOrigin } from '@medkit/server';

/** True when the list lets a request with this Host header through. */
const hostAllowed = (list: HostAllowList, header: string | undefined) => !('refused' in checkHost(list, header));

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly these headers (fetch would not let a test set Host). */
function raw(url: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart script upload as a browser form post encodes it. */
async function scriptForm(name: string): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  form.append('file', new Blob(['#!/bin/sh\necho pwned\n']), name);
  const r = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type')! };
}

const COMP = 'components/main-computer';

describe('browser-borne attacks', () => {
  let g: TestGateway;
  let work: string;
  let host: string;
  let scriptId: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-browser-'));
    g = await startTestGateway({ features: [fixtureEntitiesFeature(), createScriptsFeature()], flags: { 'scripts.scripts_dir': work, 'scripts.sandbox.mode': 'off' } });
    host = new URL(g.url).host;
    const form = await scriptForm('ok.sh');
    const up = await raw(`${g.url}/api/v1/${COMP}/scripts`, 'POST', { host, 'content-type': form.type, 'x-client-id': 'c1' }, form.body);
    expect(up.status).toBe(201);
    scriptId = JSON.parse(up.body).id;
  });
  afterAll(async () => {
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Audit entries of executions started or scripts deleted: the harm a refused request must not do. */
  const harm = async () =>
    (JSON.parse((await raw(`${g.url}/api/v1/${COMP}/x-medkit-script-audit`, 'GET', { host })).body).items as { action: string }[]).filter((e) => e.action === 'start' || e.action.startsWith('delete'));
  let n = 0;
  const unique = (stem: string) => `${stem}-${++n}.sh`;

  it('DNS rebinding: Host evil.example cannot upload or run a script (421, nothing runs)', async () => {
    const form = await scriptForm(unique('evil'));
    const up = await raw(`${g.url}/api/v1/${COMP}/scripts`, 'POST', { host: 'evil.example', 'content-type': form.type }, form.body);
    expect(up.status).toBe(421);
    expect(JSON.parse(up.body)).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-misdirected-request' });
    const run = await raw(`${g.url}/api/v1/${COMP}/scripts/${scriptId}/executions`, 'POST', { host: `evil.example:${new URL(g.url).port}`, 'content-type': 'application/json' }, Buffer.from('{"execution_type":"now"}'));
    expect(run.status).toBe(421);
    expect(await harm()).toEqual([]);
    // Reads are refused too: a rebinding page must not read the robot's data either.
    expect((await raw(`${g.url}/api/v1/components`, 'GET', { host: 'evil.example' })).status).toBe(421);
  });

  it('loopback names and IP literals are served', async () => {
    for (const h of [host, `localhost:${new URL(g.url).port}`, 'localhost', '[::1]:8080', '127.0.0.1', '10.1.2.3:8080']) {
      expect((await raw(`${g.url}/api/v1/health`, 'GET', { host: h })).status, h).toBe(200);
    }
  });

  it('the Host check answers each request for its own Host, whatever the one before it was (it remembers the last one)', async () => {
    const sequence = [host, 'evil.example', 'evil.example', host, host, 'localhost:1@evil.example', host, 'evil.example', 'localhost'];
    const expected = [200, 421, 421, 200, 200, 400, 200, 421, 200];
    const got: number[] = [];
    for (const h of sequence) got.push((await raw(`${g.url}/api/v1/health`, 'GET', { host: h })).status);
    expect(got).toEqual(expected);
  });

  it('a cross-origin multipart upload is refused with 403, whatever its content type', async () => {
    for (const origin of ['http://evil.example', 'null', `https://${host}`]) {
      const form = await scriptForm(unique('cross'));
      const up = await raw(`${g.url}/api/v1/${COMP}/scripts`, 'POST', { host, origin, 'content-type': form.type }, form.body);
      expect(up.status, origin).toBe(403);
      expect(JSON.parse(up.body)).toMatchObject({ error_code: 'forbidden' });
      expect(up.body).not.toContain(origin === 'null' ? '"null"' : origin);
    }
    const plain = await raw(`${g.url}/api/v1/${COMP}/scripts/${scriptId}/executions`, 'POST', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, Buffer.from('{"execution_type":"now"}'));
    expect(plain.status).toBe(403);
    const del = await raw(`${g.url}/api/v1/${COMP}/scripts/${scriptId}`, 'DELETE', { host, origin: 'http://evil.example' });
    expect(del.status).toBe(403);
    expect(await harm()).toEqual([]);
  });

  // Issue 31 point 4: Host forms that URL parsers read differently (userinfo, backslashes, trailing dots, IPv6
  // brackets, percent-encoding), each with the Origin a lenient parser would take for the same site.
  it('ambiguous Host and Origin forms are one reading: a malformed Host is 400, a foreign page 421 or 403, and nothing runs', async () => {
    const port = new URL(g.url).port;
    const start = (headers: Record<string, string>) =>
      raw(`${g.url}/api/v1/${COMP}/scripts/${scriptId}/executions`, 'POST', { 'content-type': 'application/json', ...headers }, Buffer.from('{"execution_type":"now"}'));
    const cases: [string, string, number][] = [
      [`localhost:${port}@evil.example`, 'http://evil.example', 400],
      [`localhost:${port}\\@evil.example`, 'http://evil.example', 400],
      [`localhost%3a${port}@evil.example`, 'http://evil.example', 400],
      [`evil.example%2elocalhost:${port}`, 'http://evil.example', 400],
      [`[::1]:${port}@evil.example`, 'http://evil.example', 400],
      ['[::1', 'http://evil.example', 400],
      [`::1:${port}`, 'http://evil.example', 400],
      [`[fe80::1%25eth0]:${port}`, 'http://evil.example', 400],
      [`localhost :${port}`, 'http://evil.example', 400],
      [`localhost:${port}/evil`, 'http://evil.example', 400],
      [`localhost:99999`, 'http://evil.example', 400],
      [`evil.example.:${port}`, 'http://evil.example.', 421],
      [`evil.example:${port}`, `http://evil.example:${port}`, 421],
      // The Host is fine; the Origin is another site however it is written.
      [`localhost.:${port}`, 'http://evil.example', 403],
      [`localhost:${port}`, `http://localhost:${port}@evil.example`, 403],
      [`localhost:${port}`, `http://evil.example\\@localhost:${port}`, 403],
      [`localhost:${port}`, `http://localhost%3a${port}`, 403],
      [`localhost:${port}`, `http://localhost:${port}/`, 403],
      [`[::1]:${port}`, `http://[::1]:${port}@evil.example`, 403],
      [`localhost:${port}`, `http://localhost.evil.example:${port}`, 403],
    ];
    for (const [hostHeader, origin, status] of cases) {
      const res = await start({ host: hostHeader, origin });
      expect(res.status, `${hostHeader} / ${origin}`).toBe(status);
      expect(JSON.parse(res.body).error_code, hostHeader).toBe(status === 421 ? 'vendor-error' : status === 400 ? 'invalid-request' : 'forbidden');
    }
    expect(await harm()).toEqual([]);
    // The same page written the canonical ways is this gateway: trailing dot, upper case, IPv6 brackets.
    for (const [hostHeader, origin] of [[`LOCALHOST.:${port}`, `http://localhost:${port}`], [`[::1]:${port}`, `http://[::1]:${port}`], [`127.0.0.1:${port}`, `HTTP://127.0.0.1:${port}`]]) {
      const res = await start({ host: hostHeader, origin, 'x-client-id': 'c1' });
      expect(res.status, `${hostHeader} / ${origin}`).toBe(202);
    }
  });

  it('same-origin pages, configured CORS origins and clients without Origin may change state', async () => {
    for (const origin of [g.url, 'http://localhost:5173', undefined]) {
      const form = await scriptForm(unique('fine'));
      const up = await raw(`${g.url}/api/v1/${COMP}/scripts`, 'POST', { host, 'content-type': form.type, ...(origin ? { origin } : {}) }, form.body);
      expect(up.status, String(origin)).toBe(201);
    }
  });
});

describe('browser-borne attacks: configuration', () => {
  it('the default list is loopback, IP literals, server.host and this machine\'s names; `*` turns it off', () => {
    const d = buildHostAllowList([], '0.0.0.0', 'robot7.lab');
    expect(hostAllowed(d, 'robot7.lab:8080')).toBe(true);
    expect(hostAllowed(d, 'ROBOT7.local')).toBe(true);
    expect(hostAllowed(d, 'evil.example')).toBe(false);
    expect(hostAllowed(d, '0.0.0.0.evil.example')).toBe(false);
    expect(hostAllowed(d, undefined)).toBe(true);
    const named = buildHostAllowList([], 'robot.example', 'r');
    expect(hostAllowed(named, 'robot.example:8443')).toBe(true);
    const list = buildHostAllowList(['gw.example:8443', 'fd00::5'], '127.0.0.1', 'r');
    expect(hostAllowed(list, 'gw.example:8443')).toBe(true);
    expect(hostAllowed(list, 'gw.example:9999')).toBe(false);
    expect(hostAllowed(list, 'r')).toBe(false);
    expect(hostAllowed(list, 'localhost:1')).toBe(true);
    expect(hostAllowed(buildHostAllowList(['*'], '127.0.0.1', 'r'), 'evil.example')).toBe(true);
    // Even with the check off, a Host that is no host is refused.
    expect(checkHost(buildHostAllowList(['*'], '127.0.0.1', 'r'), 'a@evil.example')).toEqual({ refused: 'malformed' });
    expect(() => buildHostAllowList(['gw.example:80@evil.example'], '127.0.0.1', 'r')).toThrow(/server\.allowed_hosts: 'gw\.example:80@evil\.example' is not a host name/);
  });

  it('parses a Host header and an Origin the one strict way', () => {
    expect(parseAuthority('LocalHost.:8080')).toEqual({ host: 'localhost', port: 8080 });
    expect(parseAuthority('[::1]')).toEqual({ host: '[::1]' });
    expect(parseAuthority('[::FFFF:127.0.0.1]:1')).toEqual({ host: '[::ffff:127.0.0.1]', port: 1 });
    for (const bad of ['', ':80', 'a:', 'a:b', 'a:80:80', 'a@b', 'u:p@a', 'a\\b', 'a%2eb', 'a b', 'a/b', 'a?b', 'a#b', '..', 'a..b', '.a', '[::1', '[::1]x', '[zz::1]', '[fe80::1%eth0]', 'a:65536', 'a:123456', 'é.example']) {
      expect(parseAuthority(bad), bad).toBeUndefined();
    }
    expect(parseOrigin('https://Robot.Example')).toEqual({ scheme: 'https', host: 'robot.example', port: 443 });
    expect(parseOrigin('http://[::1]:8080')).toEqual({ scheme: 'http', host: '[::1]', port: 8080 });
    for (const bad of ['null', 'file://x', 'http://', 'http://a/', 'http://u@a', '//a', 'ws://a']) expect(parseOrigin(bad), bad).toBeUndefined();
  });

  it('once auth is on, the built-in CORS origins (any localhost port) are no longer echoed', async () => {
    const off = await startTestGateway({ flags: {} });
    const auth = { 'auth.enabled': true, 'auth.jwt_secret': 'browser-test-secret-of-at-least-32-characters' };
    const on = await startTestGateway({ flags: auth });
    const explicit = await startTestGateway({ flags: { ...auth, 'cors.allowed_origins': 'https://ui.example' } });
    try {
      const acao = async (url: string, origin: string) => (await raw(`${url}/api/v1/health`, 'GET', { host: new URL(url).host, origin })).headers['access-control-allow-origin'];
      expect(await acao(off.url, 'http://localhost:5173')).toBe('http://localhost:5173');
      expect(await acao(on.url, 'http://localhost:5173')).toBeUndefined();
      expect(await acao(explicit.url, 'https://ui.example')).toBe('https://ui.example');
      const form = await scriptForm('x.sh');
      expect((await raw(`${on.url}/api/v1/${COMP}/scripts`, 'POST', { host: new URL(on.url).host, origin: 'http://localhost:5173', 'content-type': form.type }, form.body)).status).toBe(403);
    } finally {
      await off.close();
      await on.close();
      await explicit.close();
    }
  });
});

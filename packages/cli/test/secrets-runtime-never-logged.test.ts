// No secret is ever printed or logged (issue 54), beyond the core and feature key tables: the real `medkit gateway`
// with the otlp_export and opcua plugins loaded and a marker in each of their secret-bearing keys (OTLP headers,
// per-endpoint headers; the OPC-UA password), and a trigger created over REST with a
// marker as its webhook secret and fired (the PLC's comms-lost fault) at a receiver that refuses it, so every
// failure path logs. Every stdout and stderr line, at debug level, is searched for every marker.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { shownConfigValue } from '@medkit/kit';
import { buildGateway, runMedkit, type MedkitProcess } from '../../../test-support/medkit-cli.js';
import { freePort } from '../../../test-support/servers/ports.mjs';

const marker = (name: string): string => `Zr${name}Mark${'y'.repeat(24)}`;
const MARKERS = {
  otlpHeader: marker('OtlpHeader'),
  otlpApiKey: marker('OtlpApiKey'),
  endpointHeader: marker('EndpointHeader'),
  opcuaPassword: marker('OpcuaPassword'),
  webhookSecret: marker('WebhookSecret'),
};

interface Receiver {
  url: string;
  got: { path: string; headers: IncomingHttpHeaders }[];
  server: Server;
}

/** An HTTP server that refuses every request with `status`, so the gateway's failure paths run and log. */
async function refusingServer(status: number): Promise<Receiver> {
  const got: Receiver['got'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers });
      res.statusCode = status;
      res.end('refused');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

describe('secrets inside map and list values', () => {
  it('hides a secret-named field at any depth of a value the echo quotes', () => {
    const endpoints = [{ url: 'http://c:4318/v1/logs', headers: { authorization: 'Bearer t' } }, 'http://d:4318/v1/logs'];
    expect(shownConfigValue('plugins.otlp_export.endpoints', endpoints)).toBe('[{"url":"http://c:4318/v1/logs","headers":"(hidden)"},"http://d:4318/v1/logs"]');
    expect(shownConfigValue('plugins.x.servers', { a: { password: 'p', port: 1 } })).toBe('{"a":{"password":"(hidden)","port":1}}');
  });
});

describe('plugin and runtime secrets on the real gateway', () => {
  let dir: string;
  let collector: Receiver;
  let hook: Receiver;
  let g: MedkitProcess | undefined;
  beforeAll(async () => {
    buildGateway();
    dir = mkdtempSync(join(tmpdir(), 'medkit-secrets-rt-'));
    collector = await refusingServer(401);
    hook = await refusingServer(500);
  }, 300_000);
  afterAll(async () => {
    if (g && g.child.exitCode === null) g.child.kill('SIGKILL');
    await Promise.all([collector, hook].map((s) => new Promise((r) => s.server.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints none of them, with the plugins loaded and the webhook fired', async () => {
    const port = await freePort();
    const closedPlcPort = await freePort();
    const config = {
      plugins: ['otlp_export', 'opcua'],
      'logging.level': 'debug',
      'plugins.otlp_export.url': `${collector.url}/v1/logs`,
      'plugins.otlp_export.headers.authorization': `Bearer ${MARKERS.otlpHeader}`,
      'plugins.otlp_export.headers.x-api-key': MARKERS.otlpApiKey,
      'plugins.otlp_export.endpoints': [{ url: `${collector.url}/second/v1/logs`, headers: { authorization: `Bearer ${MARKERS.endpointHeader}` } }],
      'plugins.otlp_export.batch.delay_ms': 100,
      'plugins.opcua.endpoint_url': `opc.tcp://127.0.0.1:${closedPlcPort}`,
      'plugins.opcua.user_auth_mode': 'UsernamePassword',
      'plugins.opcua.username': 'plc-operator', // a user name is not a secret (docs/configuration.md)
      'plugins.opcua.password': MARKERS.opcuaPassword,
      'plugins.opcua.comms_lost_debounce_ms': 3000,
      'plugins.opcua.reconnect': { initial_delay_ms: 100, max_delay_ms: 500 },
      'plugins.opcua.nodes': [{ node_id: 'ns=2;s=Tank.Level', data_name: 'level' }],
      'triggers.webhook.initial_backoff_ms': 50,
      'triggers.webhook.max_attempts': 2,
    };
    const file = join(dir, 'secrets.json');
    writeFileSync(file, JSON.stringify(config));
    g = runMedkit(['gateway', '--no-ros', '--port', String(port), '--data-dir', join(dir, 'data'), '--config', file]);
    await g.waitFor(/listening|http:\/\/127\.0\.0\.1:\d+/, 60_000);
    const api = `http://127.0.0.1:${port}/api/v1`;

    // The trigger watches the PLC component's faults; the comms-lost fault (the PLC port is closed) fires it.
    let triggerId = '';
    await vi.waitFor(
      async () => {
        const res = await fetch(`${api}/components/opcua_plc/triggers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            resource: '/api/v1/components/opcua_plc/faults',
            trigger_condition: { condition_type: 'OnChange' },
            protocol: 'webhook',
            webhook_url: `${hook.url}/hook`,
            webhook_secret: MARKERS.webhookSecret,
            multishot: true,
          }),
        });
        const body = (await res.json()) as { id?: string };
        expect(res.status).toBe(201);
        triggerId = body.id ?? '';
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(triggerId).not.toBe('');

    // Both failure paths have run: the webhook was tried (and retried) and both OTLP endpoints were refused.
    await vi.waitFor(() => expect(hook.got.length).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 100 });
    await vi.waitFor(
      () => {
        expect(collector.got.some((r) => r.path === '/v1/logs')).toBe(true);
        expect(collector.got.some((r) => r.path === '/second/v1/logs')).toBe(true);
      },
      { timeout: 60_000, interval: 100 },
    );
    // The secrets did reach their destinations (so the gateway really held them while it logged).
    expect(hook.got[0].headers['x-medkit-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const first = collector.got.find((r) => r.path === '/v1/logs')!;
    expect(first.headers['x-api-key']).toBe(MARKERS.otlpApiKey);
    expect(first.headers.authorization).toBe(`Bearer ${MARKERS.otlpHeader}`);
    // The trigger as the API shows it (its webhook secret is write-only).
    const shown = await (await fetch(`${api}/components/opcua_plc/triggers/${triggerId}`)).text();

    // A retried delivery has come (and been logged): the retry path's lines are in what is checked.
    await expect.poll(() => hook.got.length, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    g.child.kill('SIGTERM');
    await g.exited;
    const out = `${g.stdout()}\n${g.stderr()}\n${shown}`;
    if (process.env.SECRETS_DEBUG) console.log(out);
    expect(out).toMatch(/"level":20/); // debug lines were written
    const leaked = Object.entries(MARKERS).filter(([, m]) => out.includes(m));
    expect(leaked.map(([k]) => k)).toEqual([]);
  }, 240_000);
});

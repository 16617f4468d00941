// The PluginContext members that read the gateway itself (plugin-api host-access.ts, docs/plugins.md): metrics()
// answers what /metrics serves as structured values (undefined while the gateway's metrics are off), dataDir() a
// directory of the plugin's own under data_dir, clientTls() the TLS client settings of an outgoing link, read from
// their files, and an error naming the key when one cannot be read.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginContext, type PluginModule } from '@medkit/plugin-api';
import type { FlatConfig } from '../../src/config/index.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startPluginGateway } from '../support/plugin-gateway.js';
import { createTestPki, type TestPki } from '../../../../test-support/certificates.js';

class Probe implements MedkitPlugin {
  ctx?: PluginContext;
  name() {
    return 'probe';
  }
  configure() {}
  setContext(ctx: PluginContext) {
    this.ctx = ctx;
  }
}

const gateways: TestGateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.close();
});

async function withProbe(flags: FlatConfig = {}): Promise<{ ctx: PluginContext; gw: TestGateway }> {
  const probe = new Probe();
  const module: PluginModule = { pluginApiVersion: PLUGIN_API_VERSION, createPlugin: () => probe };
  const gw = await startPluginGateway('probe', module, { flags });
  gateways.push(gw);
  return { ctx: probe.ctx!, gw };
}

describe('what a plugin reads of the gateway', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = createTestPki();
  });
  afterAll(() => pki?.remove());

  it('metrics(): the families /metrics serves, a histogram with its buckets; undefined with the metrics off', async () => {
    const { ctx, gw } = await withProbe({ 'metrics.enabled': true });
    expect((await fetch(`${gw.url}/api/v1/health`)).status).toBe(200);
    const families = await ctx.metrics!()!.collect();
    const byName = new Map(families.map((f) => [f.name, f]));
    const scrape = await (await fetch(`${gw.url}/metrics`)).text();
    for (const f of families) expect(scrape).toContain(`# TYPE ${f.name} ${f.type}`);
    expect(byName.get('medkit_sse_clients')).toMatchObject({ type: 'gauge', samples: [{ name: 'medkit_sse_clients', labels: {}, value: 0 }] });
    const latency = byName.get('medkit_http_request_duration_seconds')!;
    expect(latency.type).toBe('histogram');
    const health = latency.samples.filter((s) => s.labels.route === '/api/v1/health');
    expect(health.find((s) => s.name.endsWith('_bucket') && s.labels.le === '+Inf')?.value).toBe(1);
    expect(health.find((s) => s.name.endsWith('_count'))?.value).toBe(1);

    const off = await withProbe();
    expect(off.ctx.metrics!()).toBeUndefined();
  });

  it("dataDir(): <data_dir>/plugins/<name>, created on the first call, the plugin's own", async () => {
    const { ctx, gw } = await withProbe();
    const dir = join(gw.dataDir, 'plugins', 'probe');
    expect(existsSync(dir)).toBe(false);
    expect(ctx.dataDir!()).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('clientTls(): the outgoing links\' files, fleet.nats first; a file that cannot be read throws naming the key', async () => {
    const client = pki.issue('robot', '/CN=amr-07');
    const { ctx } = await withProbe({ 'aggregation.ca_file': pki.caCert, 'aggregation.client_cert_file': client.cert, 'aggregation.client_key_file': client.key });
    const t = ctx.clientTls!()!;
    expect(t.link).toBe('aggregation');
    expect(t.keys).toEqual({ ca: 'aggregation.ca_file', cert: 'aggregation.client_cert_file', key: 'aggregation.client_key_file' });
    expect(t.ca!.toString()).toContain('BEGIN CERTIFICATE');
    expect(t.cert && t.key).toBeTruthy();
    expect(ctx.clientTls!('fleet.nats')).toBeUndefined();

    const both = await withProbe({ 'aggregation.ca_file': pki.caCert, 'fleet.nats.ca_file': pki.caCert });
    expect(both.ctx.clientTls!()).toMatchObject({ link: 'fleet.nats', keys: { ca: 'fleet.nats.ca_file' } });
    const broken = await withProbe({ 'fleet.nats.ca_file': '/nonexistent/ca.pem' });
    expect(() => broken.ctx.clientTls!()).toThrow(/fleet\.nats\.ca_file/);
    expect(broken.ctx.clientTls!('aggregation')).toBeUndefined();
  });
});

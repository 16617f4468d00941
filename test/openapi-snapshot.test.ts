// The served OpenAPI document does not change when the code is reorganised (issue 28): the document of a
// default gateway, and of one with every built-in plugin enabled, are compared byte for byte with the
// documents captured before the package split (test/fixtures/openapi-*.json). Only the bound address is
// normalised. A deliberate API change regenerates them with MEDKIT_UPDATE_OPENAPI_SNAPSHOT=1.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../test-support/gateway/gateway.js';

const MANIFEST = fileURLToPath(new URL('../examples/amr/manifest.yaml', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/openapi-${name}.json`, import.meta.url));
const BASE = { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' };
/** Every built-in plugin, each configured enough to be active (OPC-UA's server need not answer). */
const ALL_BUILTINS = {
  ...BASE,
  plugins: ['graph_provider', 'graph_watchdog', 'procfs_introspection', 'systemd_introspection', 'container_introspection', 'parameter_beacon', 'topic_beacon', 'opcua'],
  'plugins.opcua.endpoint_url': 'opc.tcp://127.0.0.1:1',
  'plugins.opcua.nodes': [{ node_id: 'ns=2;s=Temp', data_name: 'temp' }],
};

async function servedDocument(flags: Record<string, unknown>): Promise<{ doc: string; plugins: unknown }> {
  let g: TestGateway | undefined;
  try {
    g = await startTestGateway({ defaults: true, flags: flags as never });
    const doc = (await (await fetch(`${g.url}/api/v1/docs`)).text()).replaceAll(g.url, 'http://gateway.invalid');
    const health = (await (await fetch(`${g.url}/api/v1/health`)).json()) as { 'x-medkit-plugins': unknown };
    return { doc, plugins: health['x-medkit-plugins'] };
  } finally {
    await g?.close();
  }
}

function compare(name: string, doc: string): void {
  if (process.env.MEDKIT_UPDATE_OPENAPI_SNAPSHOT === '1') writeFileSync(fixture(name), doc);
  const before = readFileSync(fixture(name), 'utf8');
  // Byte for byte; on a difference, name the first paths that differ rather than dumping 600 KB.
  if (doc !== before) {
    const a = JSON.parse(before).paths as Record<string, unknown>;
    const b = JSON.parse(doc).paths as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => JSON.stringify(a[p]) !== JSON.stringify(b[p]));
    expect({ changedPaths: changed.slice(0, 20), sameBytes: false }).toEqual({ changedPaths: [], sameBytes: true });
  }
}

describe('served OpenAPI document is unchanged by the package split', () => {
  it('default gateway', async () => {
    const { doc } = await servedDocument(BASE);
    compare('default', doc);
  });

  it('every built-in plugin enabled', async () => {
    const { doc, plugins } = await servedDocument(ALL_BUILTINS);
    // Each built-in really ran (a disabled one would drop its routes from both documents alike).
    for (const p of plugins as { name: string; state: string }[]) expect(p.state, p.name).toBe('active');
    expect((plugins as unknown[]).length).toBe(8);
    compare('builtins', doc);
  });
});

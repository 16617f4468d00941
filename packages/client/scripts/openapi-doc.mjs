// Produces the gateway's own OpenAPI document without listening on a port: builds a default
// gateway (every default feature, ROS off, a throwaway data dir) from packages/gateway/dist and
// asks Fastify for the document. The client's API types are generated from this, so the two cannot drift.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const gatewayDist = fileURLToPath(new URL('../../gateway/dist/', import.meta.url));

/** Returns the OpenAPI 3.1 document of a default gateway. Needs `npx tsc -b` to have built the gateway. */
export async function gatewayOpenApiDocument() {
  if (!existsSync(join(gatewayDist, 'gateway.js'))) {
    throw new Error(`packages/gateway/dist is missing: run \`npx tsc -b\` from the repository root first`);
  }
  const load = (p) => import(pathToFileURL(join(gatewayDist, p)).href);
  const [config, gateway, features] = await Promise.all([load('config/index.js'), load('gateway.js'), load('features.js')]);
  return documentFromGateway({ ...config, ...gateway, ...features });
}

/**
 * The document of a default gateway built from the given gateway modules (the compiled dist
 * here; the tests pass the TypeScript sources so a stale dist cannot hide drift).
 */
export async function documentFromGateway({ loadConfig, createGateway, defaultFeatures, FEATURE_KEYS }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-client-openapi-'));
  try {
    const config = loadConfig({
      env: {},
      extraKeys: FEATURE_KEYS,
      flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false },
    });
    const gateway = await createGateway({ config, features: defaultFeatures(config) });
    try {
      await gateway.http.app.ready();
      // Round-trip through JSON: the document may hold TypeBox symbols and shared references.
      return JSON.parse(JSON.stringify(gateway.http.app.swagger()));
    } finally {
      await gateway.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

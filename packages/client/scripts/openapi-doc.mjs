// Produces the gateway's own OpenAPI document without listening on a port: builds the gateway `medkit` ships
// (its default features, ROS off, a throwaway data dir) with the built-in plugins that need no settings turned on,
// and reads the document it serves at /api/v1/docs (plugin routes join the document there). The client's API types
// are generated from this, so the two cannot drift, and a plugin route the UI reads is typed like any other.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const gatewayDist = fileURLToPath(new URL('../../gateway/dist/', import.meta.url));
const cliDist = fileURLToPath(new URL('../../cli/dist/', import.meta.url));

/**
 * The built-in plugins whose routes the document describes: every shipped plugin that starts with no settings
 * and ROS off (docs/plugins.md). OPC-UA and the exporters need an endpoint and add no route a client reads.
 */
export const DOCUMENTED_PLUGINS = ['parameter_beacon', 'topic_beacon', 'procfs_introspection', 'systemd_introspection', 'container_introspection', 'graph_provider', 'graph_watchdog'];

/** Returns the OpenAPI 3.1 document of a default gateway. Needs `npx tsc -b` to have built the gateway and the CLI. */
export async function gatewayOpenApiDocument() {
  if (!existsSync(join(gatewayDist, 'gateway.js')) || !existsSync(join(cliDist, 'index.js'))) {
    throw new Error(`packages/gateway/dist or packages/cli/dist is missing: run \`npx tsc -b\` from the repository root first`);
  }
  const load = (dir, p) => import(pathToFileURL(join(dir, p)).href);
  const [config, gateway, cli] = await Promise.all([load(gatewayDist, 'config/index.js'), load(gatewayDist, 'gateway.js'), load(cliDist, 'index.js')]);
  return documentFromGateway({ loadConfig: config.loadConfig, createGateway: gateway.createGateway, defaultFeatures: cli.defaultFeatures, FEATURE_KEYS: cli.FEATURE_KEYS });
}

/**
 * The document of a default gateway built from the given modules (`defaultFeatures` and `FEATURE_KEYS` of the CLI's
 * composition; the compiled dist here, the tests pass the TypeScript sources so a stale dist cannot hide drift).
 */
export async function documentFromGateway({ loadConfig, createGateway, defaultFeatures, FEATURE_KEYS }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-client-openapi-'));
  try {
    const config = loadConfig({
      env: {},
      extraKeys: FEATURE_KEYS,
      flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, plugins: DOCUMENTED_PLUGINS },
    });
    const gateway = await createGateway({ config, features: defaultFeatures(config) });
    try {
      await gateway.http.app.ready();
      const res = await gateway.http.app.inject({ method: 'GET', url: '/api/v1/docs' });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/docs answered ${res.statusCode}`);
      return JSON.parse(res.body);
    } finally {
      await gateway.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// The layer order of medkit (docs/architecture.md), checked by dependency-cruiser in CI (`npm run lint`):
// no import cycles in any package, packages import only the packages below them, and inside the gateway
// core each kind of file and each domain folder imports only downwards. The tables below are the order;
// the rules are generated from them.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Each package and the medkit packages it may import (anything else of medkit is above it). */
const PACKAGES = {
  // The SOVD core (errors, entity model, validation): the lowest layer, safe in a browser, so it imports nothing.
  sovd: [],
  rtps: [],
  ros2: ['rtps'],
  // The plugin contract; it re-exports the core names a plugin needs, so a plugin imports it alone.
  'plugin-api': ['sovd', 'ros2'],
  'fleet-protocol': [],
  // The typed client takes the API root (/api/v1) from the core, as the servers do.
  client: ['sovd', 'fleet-protocol'],
  // What every server builds on and that knows nothing of SOVD: it imports no medkit package.
  kit: [],
  // The HTTP server core both servers run on (features, config loading, the Fastify app and its stages, auth).
  server: ['kit', 'sovd'],
  faults: ['kit', 'sovd', 'ros2'],
  scripts: ['kit', 'sovd'],
  // The MCP server calls the gateway's REST API with the typed client, so it sits above it; the gateway
  // imports mcp, and everything mcp imports (client, fleet-protocol) is below the gateway too.
  mcp: ['client'],
  gateway: ['kit', 'server', 'faults', 'scripts', 'rtps', 'ros2', 'sovd', 'plugin-api', 'mcp'],
  'plugin-beacons': ['plugin-api', 'ros2'],
  'plugin-graph': ['plugin-api', 'ros2', 'rtps'],
  'plugin-linux': ['plugin-api'],
  'plugin-otlp': ['plugin-api'],
  'plugin-opcua': ['plugin-api', 'ros2'],
  // The fleet tier builds on the server core, not on the robot gateway: the fleet link declares the gateway
  // services it reads (robot-services.ts) and the composition root (cli) passes the gateway's tokens.
  'fleet-link': ['kit', 'server', 'faults', 'fleet-protocol', 'sovd'],
  fleet: ['kit', 'server', 'faults', 'fleet-link', 'fleet-protocol', 'sovd'],
  cli: ['kit', 'server', 'faults', 'scripts', 'gateway', 'plugin-api', 'mcp', 'plugin-beacons', 'plugin-graph', 'plugin-linux', 'plugin-opcua', 'plugin-otlp', 'fleet-link', 'fleet', 'fleet-protocol'],
  web: ['client'],
  demo: ['kit', 'server', 'faults', 'scripts', 'cli', 'gateway', 'plugin-api', 'ros2', 'rtps', 'client', 'fleet-protocol'],
};

// The table is the order: a package names only packages listed before it, so whatever a package imports
// through another (the gateway through mcp: client, fleet-protocol) is below it too.
const ORDER = Object.keys(PACKAGES);
for (const [name, allowed] of Object.entries(PACKAGES)) {
  for (const dep of allowed) if (ORDER.indexOf(dep) >= ORDER.indexOf(name)) throw new Error(`.dependency-cruiser.cjs: ${name} may import ${dep}, which is not listed before it`);
}

/**
 * Gateway core, kinds of file from the bottom up: domain code; the HTTP core (src/http/); the feature
 * contract (src/feature.ts); route files; a feature's wiring (feature.ts, and index.ts of a folder that has
 * one); the composition root (gateway.ts, features.ts, index.ts).
 */
const GW = 'packages/gateway/src/';
const ROUTES = `^${GW}.*[/-](routes?|schemas)\\.ts$|^${GW}[^/]+/.*http/`;
const WIRING = `^${GW}.+/feature\\.ts$|^${GW}(${featureFolders().join('|')})/index\\.ts$`;
const CONTRACT = `^${GW}feature\\.ts$`;
const HTTP = `^${GW}http/`;
const COMPOSITION = `^${GW}(gateway|features|index)\\.ts$`;

/**
 * Gateway core, domain folders from the bottom up: a domain file imports only its own folder and the
 * folders of lower tiers (never a sibling of its own tier).
 */
const GATEWAY_TIERS = [
  ['config', 'map-limited.ts', 'version.ts'],
  ['info', 'transport'],
  ['entities'],
  ['clear-data', 'data-lists', 'entity-scope', 'logs', 'ros', 'scripts'],
  ['configurations', 'data', 'lifecycle', 'locks', 'operations', 'sampling', 'updates'],
  ['communication-logs', 'faults', 'modes', 'subscriptions', 'triggers'],
  ['aggregation', 'fault-triggers', 'metrics', 'plugins'],
  ['service-interface'],
];

function featureFolders() {
  const src = join(__dirname, GW);
  if (!existsSync(src)) return ['-'];
  return readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(src, d.name, 'feature.ts'))).map((d) => d.name);
}

const folderPath = (f) => (f.endsWith('.ts') ? `${GW}${f.replace('.', '\\.')}$` : `${GW}${f}/`);
const notDomain = [HTTP, CONTRACT, ROUTES, WIRING, COMPOSITION];

const packageRules = Object.entries(PACKAGES).map(([name, allowed]) => {
  const forbidden = Object.keys(PACKAGES).filter((p) => p !== name && !allowed.includes(p));
  return {
    name: `package-order-${name}`,
    comment: `packages/${name} imports only ${allowed.join(', ') || 'no other medkit package'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^packages/${name}/src/` },
    to: { path: `^packages/(${forbidden.join('|')})/` },
  };
});

const kindRules = [
  { name: 'gateway-domain-stays-down', comment: 'domain code imports no HTTP layer, route, wiring or composition file', from: { path: `^${GW}`, pathNot: notDomain }, to: { path: notDomain } },
  { name: 'gateway-http-core-stays-down', comment: 'the HTTP core imports no feature contract, route, wiring or composition file', from: { path: HTTP }, to: { path: [CONTRACT, ROUTES, WIRING, COMPOSITION], pathNot: HTTP } },
  { name: 'gateway-contract-stays-down', comment: 'the feature contract imports no route, wiring or composition file', from: { path: CONTRACT }, to: { path: [ROUTES, WIRING, COMPOSITION] } },
  { name: 'gateway-routes-stay-down', comment: 'route files import no wiring or composition file', from: { path: ROUTES, pathNot: WIRING }, to: { path: [WIRING, COMPOSITION], pathNot: ROUTES } },
  { name: 'gateway-wiring-stays-down', comment: 'a feature wiring imports no composition file', from: { path: WIRING }, to: { path: COMPOSITION } },
].map((r) => ({ severity: 'error', ...r }));

const tierRules = GATEWAY_TIERS.flatMap((tier, i) =>
  tier.flatMap((folder) => {
    const above = GATEWAY_TIERS.slice(i).flat().filter((f) => f !== folder);
    // Alone in the top tier: nothing is above it (an empty path list would match every file).
    if (above.length === 0) return [];
    return {
      name: `gateway-tier-${folder.replace('.ts', '')}`,
      comment: `${folder} (tier ${i}) imports only lower tiers of the gateway's domain folders`,
      severity: 'error',
      from: { path: folderPath(folder), pathNot: notDomain },
      to: { path: above.map(folderPath), pathNot: notDomain },
    };
  }),
);

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'no file imports itself through others', severity: 'error', from: { path: '^packages/[^/]+/src/' }, to: { circular: true } },
    { name: 'no-deep-package-import', comment: 'another package is imported by its name and public entry, never by a path into it', severity: 'error', from: { path: '^packages/([^/]+)/src/' }, to: { path: '^packages/([^/]+)/(src|dist)/', pathNot: '^packages/$1/', dependencyTypesNot: ['aliased'] } },
    // Tests, their shared support, benchmarks and scripts use the packages as their users do: a package's own
    // tests may read its files; anything else imports the public entry, or shared helpers from test-support/.
    { name: 'tests-use-public-entries', comment: "a package's tests import other packages by name, shared helpers from test-support/", severity: 'error', from: { path: '^packages/([^/]+)/test/' }, to: { path: '^packages/([^/]+)/(src|dist|test)/', pathNot: '^packages/$1/', dependencyTypesNot: ['aliased'] } },
    { name: 'support-bench-scripts-use-public-entries', comment: 'test/, test-support/, bench/ and scripts/ import packages by name only', severity: 'error', from: { path: '^(test|test-support|bench|scripts)/' }, to: { path: '^packages/[^/]+/(src|dist|test)/', dependencyTypesNot: ['aliased'] } },
    ...packageRules,
    ...kindRules,
    ...tierRules,
    // Issue 58: plugins reach the features only through the provider tokens each feature declares (DATA_PROVIDERS,
    // LIFECYCLE_PROVIDERS, ...), which the plugins feature provides; so no gateway file outside plugins/ imports
    // it, except the composition files that add the feature.
    {
      name: 'gateway-plugins-only-from-composition',
      comment: 'no gateway file outside plugins/ imports plugins/ but the composition files (features.ts, index.ts); features take providers through their own tokens',
      severity: 'error',
      from: { path: `^${GW}`, pathNot: [`^${GW}plugins/`, COMPOSITION] },
      to: { path: `^${GW}plugins/` },
    },
  ],
  options: {
    // Built output is not followed rather than excluded: an excluded module drops the edges into it too, so an
    // import of another package's dist/ by path from a test, benchmark or script would pass unseen.
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    exclude: { path: '(^|/)(bundle|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.deps.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};

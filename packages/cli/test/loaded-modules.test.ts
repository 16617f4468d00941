// A feature that is off is never loaded (issue 32): a gateway started by the real `medkit` command with the
// default configuration loads none of the libraries of features that are off (OPC-UA, the MCP SDK, NATS,
// MQTT, PostgreSQL, the fleet server, prom-client, build tooling, SROS2's pkijs, the ROS service interface), and
// turning each one on loads it. A preload records every module the process resolves.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, freePort, MEDKIT_BIN, REPO_ROOT } from '../../../test-support/medkit-cli.js';
import { testDomain } from '../../../test-support/domains.js';
import { OPENSSL, describeWith } from '../../../test-support/requirements.js';
import { createTestPki } from '../../../test-support/certificates.js';

const PRELOAD = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));
const DOMAIN = testDomain(55);

/**
 * What each off-by-default feature loads, by the module URLs that give it away. The command runs the bundle
 * (packages/cli/bundle, scripts/bundle-cli.mjs), whose chunks are named after the package they hold.
 */
const HEAVY: Record<string, RegExp> = {
  opcua: /\/node_modules\/node-opcua[\w-]*\/|\/packages\/plugin-opcua\/|\/packages\/cli\/bundle\/plugin-opcua-/,
  otlp: /\/node_modules\/@opentelemetry\/(sdk-logs|exporter-logs-[\w-]+|otlp-[\w-]+)\/|\/packages\/plugin-otlp\/|\/packages\/cli\/bundle\/plugin-otlp-/,
  mcp: /\/node_modules\/@modelcontextprotocol\//,
  nats: /\/node_modules\/@nats-io\//,
  mqtt: /\/node_modules\/mqtt\//,
  pg: /\/node_modules\/pg\//,
  undici: /\/node_modules\/undici\/|^fetch:/m,
  pkijs: /\/node_modules\/(pkijs|asn1js)\/|\/packages\/(rtps|ros2)\/dist\/security\/(?!settings\.js)/,
  promClient: /\/node_modules\/prom-client\//,
  fleetServer: /\/packages\/fleet\/dist\/(?!keys\.js)|\/packages\/cli\/bundle\/fleet-(?!protocol-|link-)/,
  buildTooling: /\/node_modules\/(typescript|vite|vitest|esbuild|rollup|rolldown|openapi-typescript|eslint|dependency-cruiser)\//,
  serviceInterface: /\/packages\/cli\/bundle\/gateway-service-interface-|\/packages\/gateway\/dist\/service-interface\/(?!feature\.js)/,
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Runs `medkit <args>` with `config` as its --config file until `done(loaded modules)` holds or /health
 * answers (then a short grace so start() hooks run), and returns which HEAVY groups it loaded.
 */
async function loadedBy(args: string[], config: Record<string, unknown>, done: (urls: string) => boolean = () => false): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-modules-'));
  dirs.push(dir);
  const modules = join(dir, 'modules.txt');
  writeFileSync(modules, '');
  const port = await freePort();
  const configFile = join(dir, 'medkit.yaml');
  writeFileSync(configFile, JSON.stringify({ data_dir: join(dir, 'data'), 'logging.level': 'silent', 'ros.domain_id': DOMAIN, 'ros.localhost_only': true, ...config }));
  const child = spawn(process.execPath, ['--import', PRELOAD, MEDKIT_BIN, ...args, '--config', configFile, '--port', String(port)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, MEDKIT_MODULES_FILE: modules },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let over = false;
  void exited.then(() => (over = true));
  const deadline = Date.now() + 45_000;
  let healthyAt: number | undefined;
  while (!over && Date.now() < deadline) {
    if (done(readFileSync(modules, 'utf8'))) break;
    if (healthyAt === undefined) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false);
      if (ok) healthyAt = Date.now();
    } else if (Date.now() - healthyAt > 2000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  await exited;
  const urls = existsSync(modules) ? readFileSync(modules, 'utf8') : '';
  expect(urls.length, 'the preload recorded the modules').toBeGreaterThan(0);
  return Object.entries(HEAVY).filter(([, re]) => re.test(urls)).map(([name]) => name);
}

describe('modules a gateway loads', () => {
  beforeAll(() => buildGateway(), 240_000);

  it('with the default configuration: none of the off features', async () => {
    expect(await loadedBy(['gateway'], {})).toEqual([]);
  });

  it('the command runs the bundle: the core from its chunk, not from the packages\' dist/ folders', async () => {
    let urls = '';
    await loadedBy(['gateway'], {}, (u) => ((urls = u), false));
    expect(urls).toMatch(/\/packages\/cli\/bundle\/gateway-[\w-]+\.js/);
    expect(urls).not.toMatch(/\/packages\/(gateway|cli|fleet-link)\/dist\//);
    // What an outside plugin imports stays one copy, loaded from its package (scripts/bundle-cli.mjs).
    expect(urls).toMatch(/\/packages\/plugin-api\/dist\//);
  });

  it('the ROS client and the RTPS stack only when ROS is on (issue 69)', async () => {
    const rosClient = /\/packages\/(ros2|rtps)\/dist\/index\.js|\/node_modules\/@foxglove\//;
    let off = '';
    await loadedBy(['gateway', '--no-ros'], {}, (u) => ((off = u), false));
    expect(off).toMatch(/\/packages\/ros2\/dist\/light\.js/);
    expect(off).not.toMatch(rosClient);
    let on = '';
    await loadedBy(['gateway'], {}, (u) => ((on = u), rosClient.test(u)));
    expect(on).toMatch(rosClient);
  });

  it('the route modules and the API description only once the first /health answer is out (issue 69)', async () => {
    // The features' route files are chunks of their own (`gateway-<feature>-<hash>.js`, loaded by loadedRoutes), the
    // API description is @fastify/swagger: both are loaded by the build of the app with every route, which starts
    // when the first /health answer has gone out.
    const routeChunk = /\/packages\/cli\/bundle\/gateway-[a-z][a-z-]*-[\w-]{8}\.js/;
    const swagger = /\/node_modules\/@fastify\/swagger\//;
    let urls = '';
    await loadedBy(['gateway', '--no-ros'], {}, (u) => ((urls = u), routeChunk.test(u) && swagger.test(u)));
    const [before, after = ''] = urls.split(/^answer:.*$/m);
    expect(urls, 'the first answer was /health').toMatch(/^answer:\/api\/v1\/health$/m);
    expect(before).not.toMatch(routeChunk);
    expect(before).not.toMatch(swagger);
    expect(after).toMatch(routeChunk);
    expect(after).toMatch(swagger);
  });

  it('yaml once, from vendor.cjs: the API description\'s @fastify/swagger gets the same copy (issue 69)', async () => {
    // yaml's index in node_modules is resolved by swagger-ui's routes (at their top), and found in require's cache:
    // none of yaml's own files are resolved, before the first answer or after it.
    const swaggerUiYaml = /\/node_modules\/@fastify\/swagger-ui\/lib\/routes\.js\n[^]*\/node_modules\/yaml\/dist\/index\.js$/m;
    let urls = '';
    await loadedBy(['gateway', '--no-ros'], {}, (u) => ((urls = u), swaggerUiYaml.test(u)));
    expect(urls).toMatch(swaggerUiYaml);
    expect(urls).toMatch(/\/packages\/cli\/bundle\/vendor-load\.cjs/);
    expect(urls).not.toMatch(/\/node_modules\/yaml\/dist\/(?!index\.js$)/m);
  });

  it('OPC-UA when plugins names it', async () => {
    const loaded = await loadedBy(['gateway'], { plugins: ['opcua'], 'plugins.opcua.endpoint_url': 'opc.tcp://127.0.0.1:1', 'plugins.opcua.nodes': [{ node_id: 'ns=2;s=T', data_name: 't' }] }, (u) => HEAVY.opcua.test(u) && /node-opcua-client/.test(u));
    expect(loaded).toEqual(['opcua']);
  });

  it('the OpenTelemetry SDK and exporter when plugins names otlp_export', async () => {
    // Nothing listens on the port: the exporter is loaded when the plugin starts, before it sends anything.
    const loaded = await loadedBy(['gateway'], { plugins: ['otlp_export'], 'plugins.otlp_export.url': 'http://127.0.0.1:1/v1/logs' }, (u) => /\/node_modules\/@opentelemetry\/exporter-logs-otlp-proto\//.test(u));
    expect(loaded).toEqual(['otlp']);
  });

  it('prom-client only when /metrics is on (metrics.enabled), in a robot gateway and a fleet replica', async () => {
    expect(await loadedBy(['gateway'], { 'metrics.enabled': true }, (u) => HEAVY.promClient.test(u))).toEqual(['promClient']);
    expect(await loadedBy(['gateway'], { 'metrics.enabled': false })).toEqual([]);
    const fleet = await loadedBy(['fleet'], { 'metrics.enabled': true, 'fleet.nats.servers': ['nats://127.0.0.1:1'] }, (u) => HEAVY.promClient.test(u) && HEAVY.fleetServer.test(u));
    expect(fleet).toContain('promClient');
  });

  it('the SOVD service interface only when ros.service_interface.enabled', async () => {
    expect(await loadedBy(['gateway'], { 'ros.service_interface.enabled': true }, (u) => HEAVY.serviceInterface.test(u))).toEqual(['serviceInterface']);
  });

  it('the MCP SDK when /mcp is on', async () => {
    expect(await loadedBy(['gateway'], { 'mcp.enabled': true }, (u) => HEAVY.mcp.test(u))).toEqual(['mcp']);
  });

  it('NATS when the fleet link is on, MQTT when the VDA 5050 bridge is', async () => {
    // Nothing listens on these ports: the clients are loaded when the features start, before they connect.
    expect(await loadedBy(['gateway'], { 'fleet.enabled': true, 'fleet.robot_id': 'r1', 'fleet.nats.servers': ['nats://127.0.0.1:1'] }, (u) => HEAVY.nats.test(u))).toEqual(['nats']);
    expect(await loadedBy(['gateway'], { 'vda5050.enabled': true, 'vda5050.broker_url': 'mqtt://127.0.0.1:1' }, (u) => HEAVY.mqtt.test(u))).toEqual(['mqtt']);
  });

  describeWith(OPENSSL, 'federation over HTTPS', () => {
    it('talks to its peer with node:https: neither undici nor fetch (whose HTTP parser is WebAssembly, compiled at first use)', async () => {
      const pki = createTestPki();
      const { cert, key } = pki.issue('peer', '/CN=peer', { server: true });
      const asked: string[] = [];
      const peer = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
        asked.push(req.url ?? '');
        res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
      try {
        const url = `https://127.0.0.1:${(peer.address() as AddressInfo).port}`;
        const loaded = await loadedBy(['gateway'], { 'aggregation.enabled': true, 'aggregation.ca_file': pki.caCert, 'aggregation.peer_urls': [url], 'aggregation.peer_names': ['peer'] }, () => asked.length > 0);
        expect(asked[0], 'the gateway asked its peer over HTTPS').toBe('/api/v1/health');
        expect(loaded).toEqual([]);
      } finally {
        peer.close();
        pki.remove();
      }
    });
  });

  it('pkijs (the SROS2 keystore loader) when ros.security.enabled', async () => {
    // Permissive and no keystore: the gateway warns and runs plain, but it did load the loader to find out.
    const loaded = await loadedBy(['gateway'], { 'ros.security.enabled': true, 'ros.security.strategy': 'Permissive', 'ros.security.keystore': '/nonexistent' }, (u) => /\/node_modules\/pkijs\//.test(u));
    expect(loaded).toEqual(['pkijs']);
  });

  it('the fleet server and PostgreSQL only for medkit fleet', async () => {
    const loaded = await loadedBy(['fleet'], { 'fleet.nats.servers': ['nats://127.0.0.1:1'] }, (u) => HEAVY.fleetServer.test(u) && HEAVY.pg.test(u));
    expect(loaded).toEqual(expect.arrayContaining(['fleetServer', 'pg']));
    expect(loaded).not.toContain('opcua');
    expect(loaded).not.toContain('mcp');
    expect(loaded).not.toContain('promClient');
  });
});

// One server for the HTTP benchmark, in its own process so the load generator does not share its
// event loop: `node bench/http/server.mjs gateway|gateway-acme|plain|plain-static|fastify-static <manifest> <dataDir>
// [bodyFile]`. gateway-acme loads the example outside plugin (examples/plugin-acme-sensors) by path. fastify-static is a
// bare Fastify app (the framework the gateway is built on, no hooks, no plugins) sending the prebuilt body: the ceiling
// any Fastify-based server has against plain node:http on the same route. Prints "READY <port>".
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig, createGateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

const [kind, manifest, dataDir, bodyFile] = process.argv.slice(2);

if (kind === 'gateway' || kind === 'gateway-acme') {
  const acme = kind === 'gateway-acme' ? { plugins: ['acme'], 'plugins.acme.path': fileURLToPath(new URL('../../examples/plugin-acme-sensors/index.js', import.meta.url)) } : {};
  const config = loadConfig({
    env: {},
    extraKeys: FEATURE_KEYS,
    flags: { 'discovery.manifest_path': manifest, 'discovery.mode': 'manifest_only', data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, ...acme },
  });
  const gw = await createGateway({ config, features: defaultFeatures(config) });
  const url = await gw.listen(0);
  console.log(`READY ${new URL(url).port}`);
} else if (kind === 'fastify-static') {
  const { readFileSync } = await import('node:fs');
  const { default: Fastify } = await import('fastify');
  // Sent as a Buffer, as the gateway sends its memoised bodies.
  const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(bodyFile, 'utf8'))));
  const app = Fastify({ logger: false });
  const send = (_request, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(body);
  };
  // The gateway's route shapes, so the router does the same kind of match.
  app.get('/api/v1/:collection', send);
  app.get('/api/v1/:collection/:id', send);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${new URL(url).port}`);
} else {
  // The same JSON document the gateway serves, serialised per request like a minimal JSON API would.
  const { readFileSync } = await import('node:fs');
  const doc = JSON.parse(readFileSync(bodyFile, 'utf8'));
  const staticBody = JSON.stringify(doc);
  // plain: serialises per request like a minimal JSON API; plain-static: sends a prebuilt buffer (upper bound).
  const srv = createServer((req, res) => {
    const body = kind === 'plain-static' ? staticBody : JSON.stringify(doc);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  srv.listen(0, '127.0.0.1', () => console.log(`READY ${srv.address().port}`));
}
// A normal exit on SIGTERM, so `node --cpu-prof bench/http/server.mjs …` writes its profile when the bench stops it.
process.on('SIGTERM', () => process.exit(0));

// One baseline server for the HTTP benchmark (the gateways it is compared with are `medkit gateway`, started by
// bench/http/run.mjs), in its own process so the load generator does not share its event loop:
// `node bench/http/server.mjs plain|plain-static|fastify-static <bodyFile>`. fastify-static is a bare Fastify app (the
// framework the gateway is built on, no hooks, no plugins) sending the prebuilt body: the ceiling any Fastify-based
// server has against plain node:http on the same route. Prints "READY <port>".
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [kind, bodyFile] = process.argv.slice(2);

if (kind === 'fastify-static') {
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

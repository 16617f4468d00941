// The web UI's static files at `/` (see feature.ts for the keys), or a page that explains how to build them.
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { RouteModule } from '@medkit/server';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>medkit</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>medkit gateway</h1><p>The web UI has not been built. Run <code>npm run build -w packages/web</code>
(or <code>npm install</code> at the repository root), then reload.</p>
<p>The API is at <a href="/api/v1">/api/v1</a>; Swagger UI at <a href="/docs">/docs</a>.</p></body>`;

/** Routes serving the built UI in `dir` at `/` with `index` as its page (nothing when disabled). */
export function webUiRoutes(enabled: boolean, dir: string, index = 'index.html'): RouteModule {
  return async (app) => {
    if (!enabled) return;
    if (!existsSync(`${dir}/${index}`)) {
      app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
      return;
    }
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      index: [index],
      wildcard: false,
      cacheControl: false,
      // Hashed assets are immutable; the pages must always be revalidated.
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
      schemaHide: true,
    });
  };
}

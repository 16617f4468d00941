// Serves the browser UI (packages/web, built to static files) at `/`. The API stays at /api/v1 and
// Swagger UI at /docs. When the UI has not been built, `/` explains how to build it instead of a 404.
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bool, str } from '../config/key-spec.js';
import type { GatewayFeature } from '../feature.js';

export const WEB_UI_KEYS = {
  'ui.enabled': bool(true, '[ours] Serve the web UI at /.'),
  'ui.dir': str('', '[ours] Directory of the built web UI (default: packages/web/dist next to the gateway package).'),
};

/** packages/gateway/{src,dist}/web-ui → packages/web/dist */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>medkit</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>medkit gateway</h1><p>The web UI has not been built. Run <code>npm run build -w packages/web</code>
(or <code>npm install</code> at the repository root), then reload.</p>
<p>The API is at <a href="/api/v1">/api/v1</a>; Swagger UI at <a href="/docs">/docs</a>.</p></body>`;

export function createWebUiFeature(): GatewayFeature {
  return {
    name: 'web-ui',
    keys: WEB_UI_KEYS,
    routes: (ctx) => async (app) => {
      if (!ctx.config.value<boolean>('ui.enabled')) return;
      const dir = ctx.config.value<string>('ui.dir') || DEFAULT_UI_DIR;
      if (!existsSync(`${dir}/index.html`)) {
        app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
        return;
      }
      await app.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        index: ['index.html'],
        wildcard: false,
        cacheControl: false,
        // Hashed assets are immutable; index.html must always be revalidated.
        setHeaders: (res, path) => {
          res.setHeader('Cache-Control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
        },
        schemaHide: true,
      });
    },
    summary: (ctx) => (ctx.config.value<boolean>('ui.enabled') ? [['web UI', `${existsSync(`${ctx.config.value<string>('ui.dir') || DEFAULT_UI_DIR}/index.html`) ? 'served at /' : 'not built (npm run build -w packages/web)'}`]] : []),
  };
}

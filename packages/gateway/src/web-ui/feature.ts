// Serves the browser UI (packages/web, built to static files) at `/`. The API stays at /api/v1 and
// Swagger UI at /docs. When the UI has not been built, `/` explains how to build it instead of a 404.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bool, str } from '@medkit/kit';
import type { GatewayFeature } from '../feature.js';
import { loadedRoutes } from '@medkit/server';

export const WEB_UI_KEYS = {
  'ui.enabled': bool(true, '[ours] Serve the web UI at /.'),
  'ui.dir': str('', '[ours] Directory of the built web UI (default: packages/web/dist next to the gateway package).'),
};

/** packages/gateway/{src,dist}/web-ui → packages/web/dist */
const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

interface WebUiOptions {
  /** The page served at `/`: the robot UI (index.html) or, for `medkit fleet`, the fleet console (fleet.html). */
  index?: 'index.html' | 'fleet.html';
}

export function createWebUiFeature(opts: WebUiOptions = {}): GatewayFeature {
  const index = opts.index ?? 'index.html';
  const what = index === 'fleet.html' ? 'fleet console' : 'web UI';
  return {
    name: 'web-ui',
    // The UI's static files at / must not shadow any API route.
    routePhase: 'fallback',
    keys: WEB_UI_KEYS,
    routes: (ctx) => loadedRoutes(() => import('./routes.js'), (m) => m.webUiRoutes(ctx.config.read(WEB_UI_KEYS, 'ui.enabled'), ctx.config.read(WEB_UI_KEYS, 'ui.dir') || DEFAULT_UI_DIR, index)),
    summary: (ctx) => (ctx.config.read(WEB_UI_KEYS, 'ui.enabled') ? [[what, `${existsSync(`${ctx.config.read(WEB_UI_KEYS, 'ui.dir') || DEFAULT_UI_DIR}/${index}`) ? 'served at /' : 'not built (npm run build -w packages/web)'}`]] : []),
  };
}

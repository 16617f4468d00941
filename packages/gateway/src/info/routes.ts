// GET /, GET /version-info, GET /health (docs/api.md; /health itself is health-route.ts).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { Opaque } from '@medkit/server';
import type { Capabilities } from './capabilities.js';
import type { HealthRegistry } from '@medkit/kit';
import { registerHealthRoute } from './health-route.js';
import type { RouteIndex } from '@medkit/server';

interface InfoDeps {
  name: string;
  version: string;
  sovdVersion: string;
  capabilities: Capabilities;
  health: HealthRegistry;
  routeIndex: RouteIndex;
  /** The `auth` object of GET / (present only when authentication is on). */
  auth?: () => Record<string, unknown> | undefined;
  /**
   * Documented paths served outside the route table (plugin vendor routes), relative to the API base
   * (`/apps/{app_id}/x-medkit-procfs` → `{get: …}`): listed in the root's `endpoints` too.
   */
  extraPaths?: () => Record<string, unknown>[];
  /** Extra version-info items (peers, with aggregation). */
  versionItems?: () => Promise<{ items: unknown[]; xMedkit?: Record<string, unknown> }>;
}

const RootSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    api_base: Type.String(),
    endpoints: Type.Array(Type.String()),
    capabilities: Type.Record(Type.String(), Type.Boolean()),
    auth: Type.Optional(Opaque()),
    tls: Type.Optional(Opaque()),
  },
  { examples: [{ name: 'medkit', version: '0.1.0', api_base: '/api/v1', endpoints: ['GET /api/v1/health'], capabilities: { discovery: true } }] },
);

const VersionItem = Type.Object({
  version: Type.String({ description: 'SOVD version implemented' }),
  base_uri: Type.String(),
  vendor_info: Type.Object({ version: Type.String(), name: Type.String() }, { additionalProperties: true }),
});
const VersionInfoSchema = Type.Object(
  {
    items: Type.Array(VersionItem),
    sovd_info: Type.Array(VersionItem, { description: 'Same list under the SOVD name' }),
    'x-medkit': Type.Optional(Opaque()),
  },
  {
    title: 'VersionInfo',
    examples: [
      {
        items: [{ version: '1.0.0', base_uri: '/api/v1', vendor_info: { version: '0.1.0', name: 'medkit' } }],
        sovd_info: [{ version: '1.0.0', base_uri: '/api/v1', vendor_info: { version: '0.1.0', name: 'medkit' } }],
      },
    ],
  },
);

export function registerInfoRoutes(deps: InfoDeps) {
  return (app: HttpApp): void => {
    const endpoints = (): string[] => {
      const listed = deps.routeIndex.list();
      const seen = new Set(listed);
      for (const paths of deps.extraPaths?.() ?? []) {
        for (const [path, item] of Object.entries(paths)) {
          if (item === null || typeof item !== 'object') continue;
          for (const method of Object.keys(item)) {
            const entry = `${method.toUpperCase()} ${API_BASE}${path}`;
            if (['get', 'put', 'post', 'delete', 'patch'].includes(method) && !seen.has(entry)) {
              seen.add(entry);
              listed.push(entry);
            }
          }
        }
      }
      return listed;
    };
    const root = async () => ({
      name: deps.name,
      version: deps.version,
      api_base: API_BASE,
      endpoints: endpoints(),
      capabilities: deps.capabilities.toJSON(),
      ...(deps.auth?.() ? { auth: deps.auth() } : {}),
    });
    const rootSchema = { operationId: 'getServerRoot', summary: 'Server overview: endpoints and capabilities', tags: ['server'], response: { 200: RootSchema } };
    // ignoreTrailingSlash makes this serve both /api/v1 and /api/v1/.
    app.get(API_BASE, { schema: rootSchema }, root);

    app.get(
      `${API_BASE}/version-info`,
      { schema: { operationId: 'getVersionInfo', summary: 'SOVD versions served', tags: ['server'], response: { 200: VersionInfoSchema } } },
      async () => {
        const own = { version: deps.sovdVersion, base_uri: API_BASE, vendor_info: { version: deps.version, name: deps.name } };
        const extra = deps.versionItems ? await deps.versionItems() : { items: [] };
        const items = [own, ...(extra.items as (typeof own)[])];
        return { items, sovd_info: items, ...(extra.xMedkit ? { 'x-medkit': extra.xMedkit } : {}) };
      },
    );

    registerHealthRoute(deps.health)(app);
  };
}

// Vendor routes of plugins (docs/plugins.md): regular expressions relative to /api/v1/,
// served after every built-in route (one lowest-priority wildcard, registered only when a plugin has
// routes), with the reference's request/response helpers. A handler that throws answers 500
// x-medkit-plugin-error; a handler that never answers gets 504 at the plugin's deadline.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { type PluginRequest, type PluginResponse, type PluginRoute } from '@medkit/plugin-api';
import { errorBody, SovdError } from '@medkit/sovd';
import type { LoadedPlugin, PluginHost } from './host.js';
import { defaultAccess, stricter, type RoleResolver } from '@medkit/server';
import type { RouteAccess } from '@medkit/kit';
import { MINIMUM_ROLE_KEY } from '@medkit/server';
import { pascal } from '@medkit/server';

interface CompiledRoute {
  plugin: LoadedPlugin;
  route: PluginRoute;
  re: RegExp;
}

function requestOf(request: FastifyRequest, path: string, match: RegExpExecArray): PluginRequest {
  return {
    pathParam: (i) => match[i],
    header: (name) => {
      const lower = name.toLowerCase();
      // The caller's identity as the pipeline established it (the token subject when auth is on), so a
      // plugin's lock check cannot be fooled by a self-declared X-Client-Id.
      if (lower === 'x-client-id') return request.client.id;
      const v = request.headers[lower];
      return Array.isArray(v) ? v[0] : v;
    },
    path: () => `${API_BASE}/${path}`,
    body: () => request.body,
    queryParam: (name) => {
      const v = (request.query as Record<string, unknown>)[name];
      return v === undefined ? undefined : String(Array.isArray(v) ? v[0] : v);
    },
  };
}

function responseOf(reply: FastifyReply): PluginResponse {
  return {
    sendJson: (data, status = 200) => {
      if (!reply.sent) void reply.code(status).send(data);
    },
    sendError: (status, code, message, parameters) => {
      if (reply.sent) return;
      // Every `x-…` code goes in the vendor envelope, the gateway's own x-medkit codes included (docs/api.md).
      const body = code.startsWith('x-') ? { error_code: 'vendor-error', vendor_code: code, message, ...(parameters ? { parameters } : {}) } : { error_code: code, message, ...(parameters ? { parameters } : {}) };
      void reply.code(Math.min(599, Math.max(400, Math.trunc(status) || 500))).send(body);
    },
  };
}

/** Every active plugin's routes with their patterns compiled; a plugin with a bad pattern is disabled. */
function compileRoutes(host: PluginHost): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  for (const plugin of host.list) {
    for (const route of plugin.routes) {
      try {
        compiled.push({ plugin, route, re: new RegExp(`^(?:${route.pattern})$`) });
      } catch (err) {
        host.disable(plugin, `route pattern '${route.pattern}' is not a regular expression: ${(err as Error).message}`);
      }
    }
  }
  return compiled;
}

/** A vendor route's floor (docs/security.md [OURS]): viewer reads, configurator changes. */
const pluginFloor = (method: string): RouteAccess => (method === 'GET' || method === 'HEAD' ? 'viewer' : 'configurator');

/** The route the dispatcher will run for `method` and `path` (relative to /api/v1/). */
function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): { c: CompiledRoute; m: RegExpExecArray } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method || !c.plugin.active) continue;
    const m = c.re.exec(path);
    if (m) return { c, m };
  }
  return undefined;
}

/** The minimum role of a vendor request: the plugin route's declared role when stricter than the floor. */
function pluginRoles(compiled: readonly CompiledRoute[]): RoleResolver {
  const resolve = (method: string, path: string): RouteAccess => {
    const rel = path.startsWith(`${API_BASE}/`) ? path.slice(API_BASE.length + 1) : path;
    const hit = matchRoute(compiled, method === 'HEAD' ? 'GET' : method, rel);
    // No plugin route: the answer is a 404, held to the default of any unknown path.
    if (!hit) return defaultAccess(method, path.startsWith('/') ? path : `${API_BASE}/${path}`);
    return hit.c.route.role ? stricter(pluginFloor(method), hit.c.route.role) : pluginFloor(method);
  };
  return Object.assign(resolve, { describe: 'plugin vendor routes: viewer to read, configurator otherwise; a plugin may declare a stricter role per route' });
}

export function registerPluginRoutes(host: PluginHost) {
  return (app: HttpApp): void => {
    const compiled = compileRoutes(host);
    if (compiled.length === 0) return;
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: `${API_BASE}/*`,
      schema: { hide: true },
      config: { role: pluginRoles(compiled) },
      handler: async (request, reply) => {
        const path = (request.params as { '*': string })['*'] ?? '';
        const hit = matchRoute(compiled, request.method, path);
        if (hit) {
          const { c, m } = hit;
          const res = responseOf(reply);
          await host.call(c.plugin, `route ${c.route.method} ${c.route.pattern}`, () => c.route.handler(requestOf(request, path, m), res));
          if (!reply.sent) throw new SovdError('x-medkit-plugin-error', `plugin '${c.plugin.name}' did not answer ${c.route.method} ${c.route.pattern}`, { plugin: c.plugin.name });
          return reply;
        }
        // Same answer as any unknown path.
        return reply.code(404).send({ ...errorBody('resource-not-found', 'Resource not found'), parameters: { status: 404 } });
      },
    });
  };
}

/** OpenAPI path items of every active plugin's `describePluginRoutes()`, keyed by path relative to servers[0].url (/api/v1). */
export function pluginDocPaths(host: PluginHost): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const roles = pluginRoles(compileRoutes(host));
  for (const p of host.list) {
    if (!p.active || !p.plugin || !p.module?.describePluginRoutes) continue;
    try {
      for (const [path, item] of Object.entries(p.module.describePluginRoutes(p.plugin) ?? {})) {
        const rel = path.replace(/^\/+/, '');
        out[`/${rel}`] = documented(item, rel, roles, p.name);
      }
    } catch (err) {
      host.disable(p, `describePluginRoutes failed: ${(err as Error).message}`);
    }
  }
  return out;
}

/** `get` + `x-vault/{id}/status` → `getXVaultIdStatus`. */
function derivedOperationId(method: string, rel: string): string {
  return method + pascal(rel);
}

/**
 * Marks each operation of a documented vendor path with `x-medkit-minimum-role` (the OpenAPI stage turns
 * it into `security`; template segments `{x}` are matched as one segment) and gives the operations the plugin
 * left without them an operationId (from method and path) and a tag (the plugin's name), which generators
 * and linters expect of every operation.
 */
function documented(item: unknown, rel: string, roles: RoleResolver, plugin: string): unknown {
  if (item === null || typeof item !== 'object') return item;
  const sample = `${API_BASE}/${rel.replace(/\{[^/}]+\}/g, 'x')}`;
  const out: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const [method, op] of Object.entries(out)) {
    if (!['get', 'put', 'post', 'delete'].includes(method) || op === null || typeof op !== 'object') continue;
    const given = op as { operationId?: unknown; tags?: unknown };
    out[method] = {
      ...(op as object),
      ...(typeof given.operationId === 'string' && given.operationId ? {} : { operationId: derivedOperationId(method, rel) }),
      ...(Array.isArray(given.tags) && given.tags.length > 0 ? {} : { tags: [plugin] }),
      [MINIMUM_ROLE_KEY]: roles(method.toUpperCase(), sample),
    };
  }
  return out;
}

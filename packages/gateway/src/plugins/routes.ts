// Vendor routes of plugins (gateway.md §2.6, api.md §21): regular expressions relative to /api/v1/,
// served after every built-in route (one lowest-priority wildcard, registered only when a plugin has
// routes), with the reference's request/response helpers. A handler that throws answers 500
// x-medkit-plugin-error; a handler that never answers gets 504 at the plugin's deadline.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '../http/app-types.js';
import { errorBody, SovdError } from '../sovd/errors.js';
import type { PluginRequest, PluginResponse, PluginRoute } from './contract.js';
import type { LoadedPlugin, PluginHost } from './host.js';

interface CompiledRoute {
  plugin: LoadedPlugin;
  route: PluginRoute;
  re: RegExp;
}

function requestOf(request: FastifyRequest, path: string, match: RegExpExecArray): PluginRequest {
  return {
    pathParam: (i) => match[i],
    header: (name) => {
      const v = request.headers[name.toLowerCase()];
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
      const body = code.startsWith('x-') && code !== 'x-medkit-plugin-error' ? { error_code: 'vendor-error', vendor_code: code, message, ...(parameters ? { parameters } : {}) } : { error_code: code, message, ...(parameters ? { parameters } : {}) };
      void reply.code(Math.min(599, Math.max(400, Math.trunc(status) || 500))).send(body);
    },
  };
}

export function registerPluginRoutes(host: PluginHost) {
  return (app: HttpApp): void => {
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
    if (compiled.length === 0) return;
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: `${API_BASE}/*`,
      schema: { hide: true },
      handler: async (request, reply) => {
        const path = (request.params as { '*': string })['*'] ?? '';
        for (const c of compiled) {
          if (c.route.method !== request.method || !c.plugin.active) continue;
          const m = c.re.exec(path);
          if (!m) continue;
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
  for (const p of host.list) {
    if (!p.active || !p.plugin || !p.module?.describePluginRoutes) continue;
    try {
      for (const [path, item] of Object.entries(p.module.describePluginRoutes(p.plugin) ?? {})) {
        out[`/${path.replace(/^\/+/, '')}`] = item;
      }
    } catch (err) {
      host.disable(p, `describePluginRoutes failed: ${(err as Error).message}`);
    }
  }
  return out;
}

// `/mcp`: the MCP server (packages/mcp) served by the gateway itself over streamable HTTP, off by
// default (docs/mcp.md [OURS]). Each call goes back through the gateway's own REST API, served
// in-process (Fastify's inject: the whole request pipeline, no socket) with the caller's identity
// headers, so locks and roles judge the agent's request exactly as they would judge the same REST
// call, whatever TLS, client-certificate or bind settings the network side has.
import { loadedRoutes } from '@medkit/server';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { MCP_KEYS } from './keys.js';

export { MCP_KEYS } from './keys.js';


export function createMcpFeature(): GatewayFeature {
  return {
    name: 'mcp',
    keys: MCP_KEYS,
    routes: (ctx: GatewayContext) => loadedRoutes(() => import('./routes.js'), (m) => (app) => m.registerMcpRoute(ctx, app)),
    summary: (ctx) => (ctx.config.read(MCP_KEYS, 'mcp.enabled') ? [['MCP', 'streamable HTTP at /mcp']] : []),
  };
}

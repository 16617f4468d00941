// `/mcp`: the MCP server (packages/mcp) served by the gateway itself over streamable HTTP, off by
// default (docs/mcp.md [OURS]). Each call goes back through the gateway's own REST API, served
// in-process (Fastify's inject: the whole request pipeline, no socket) with the caller's identity
// headers, so locks and roles judge the agent's request exactly as they would judge the same REST
// call, whatever TLS, client-certificate or bind settings the network side has.
import { bool, int } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { registerMcpRoute } from './routes.js';

export const MCP_KEYS = {
  'mcp.enabled': bool(false, '[ours] Serve the MCP server for AI agents at /mcp (streamable HTTP). `medkit mcp` serves it over stdio instead.'),
  'mcp.max_output_chars': int(20000, '[ours] Longest text one MCP tool returns; longer results keep the head of their lists and say what was cut.', { min: 1000, max: 1000000, policy: 'clamp' }),
  'mcp.call_timeout_ms': int(30000, '[ours] Deadline of each REST call an MCP tool makes.', { min: 100, max: 600000, policy: 'clamp' }),
};

export function createMcpFeature(): GatewayFeature {
  return {
    name: 'mcp',
    keys: MCP_KEYS,
    routes: (ctx: GatewayContext) => (app) => registerMcpRoute(ctx, app),
    summary: (ctx) => (ctx.config.value<boolean>('mcp.enabled') ? [['MCP', 'streamable HTTP at /mcp']] : []),
  };
}

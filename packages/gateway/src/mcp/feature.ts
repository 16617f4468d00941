// `/mcp`: the MCP server (packages/mcp) served by the gateway itself over streamable HTTP, off by
// default (gateway.md §15.2 [OURS]). Each call goes back through the gateway's own REST API on
// loopback with the caller's identity headers, so locks (and roles, once on) judge the agent's
// request exactly as they would judge the same REST call.
import { handleStreamableHttp, SovdClient } from '@medkit/mcp';
import { bool, int } from '../config/key-spec.js';
import { SovdError } from '../sovd/errors.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { GATEWAY_VERSION } from '../version.js';

export const MCP_KEYS = {
  'mcp.enabled': bool(false, '[ours] Serve the MCP server for AI agents at /mcp (streamable HTTP). `medkit mcp` serves it over stdio instead.'),
  'mcp.max_output_chars': int(20000, '[ours] Longest text one MCP tool returns; longer results keep the head of their lists and say what was cut.', { min: 1000, max: 1000000, policy: 'clamp' }),
  'mcp.call_timeout_ms': int(30000, '[ours] Deadline of each REST call an MCP tool makes.', { min: 100, max: 600000, policy: 'clamp' }),
};

/** The loopback address of this gateway's own API (a wildcard bind is reached on 127.0.0.1). */
export function selfApiUrl(listening: { host: string; port: number }): string {
  const host = listening.host === '0.0.0.0' || listening.host === '::' || listening.host === '' ? '127.0.0.1' : listening.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}/api/v1`;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function createMcpFeature(): GatewayFeature {
  return {
    name: 'mcp',
    keys: MCP_KEYS,
    routes: (ctx: GatewayContext) => (app) => {
      if (!ctx.config.value<boolean>('mcp.enabled')) return;
      const maxOutputChars = ctx.config.value<number>('mcp.max_output_chars');
      const timeoutMs = ctx.config.value<number>('mcp.call_timeout_ms');
      app.route({
        method: ['POST', 'GET', 'DELETE'],
        url: '/mcp',
        schema: { hide: true },
        // Any authenticated caller; every tool call goes back through the REST API with the caller's token,
        // where the role of each route is checked as for a direct call.
        config: { role: 'viewer' },
        handler: async (req, reply) => {
          if (!ctx.listening) throw new SovdError('service-unavailable', 'the gateway is not listening yet');
          const auth = header(req.headers.authorization);
          const client = new SovdClient({
            baseUrl: selfApiUrl(ctx.listening),
            timeoutMs,
            bearerToken: auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined,
            clientId: req.client.id,
          });
          // The SDK writes the response itself (JSON or an SSE stream).
          reply.hijack();
          try {
            await handleStreamableHttp({ client, maxOutputChars, version: GATEWAY_VERSION }, req.raw, reply.raw, req.body);
          } catch (err) {
            // Past hijack Fastify cannot answer for us: never leave the client hanging.
            ctx.log.error({ err }, 'MCP request failed');
            const res = reply.raw;
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'internal-error', message: 'the MCP request failed' }));
            else res.end();
          }
        },
      });
    },
    summary: (ctx) => (ctx.config.value<boolean>('mcp.enabled') ? [['MCP', 'streamable HTTP at /mcp']] : []),
  };
}

// The `/mcp` route (mcp.enabled): the MCP server of packages/mcp over streamable HTTP, its tools' REST
// calls served in-process by this gateway's own request pipeline (see feature.ts).
import { SovdError } from '@medkit/sovd';
import type { GatewayContext } from '../feature.js';
import type { HttpApp } from '@medkit/server';
import { GATEWAY_VERSION } from '../version.js';
import { selfApiUrl } from './self-url.js';
import { MCP_KEYS } from './keys.js';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** A fetch that serves each call with the gateway's own request pipeline in-process; honours the caller's abort signal. */
function inProcessFetch(app: Pick<HttpApp, 'inject'>): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const injected = app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(init.body !== undefined && init.body !== null ? { payload: init.body as string } : {}),
    });
    const res = await (signal
      ? Promise.race([injected, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))])
      : injected);
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) for (const one of Array.isArray(v) ? v : [v]) headers.append(k, String(one));
    return new Response(NULL_BODY.has(res.statusCode) ? null : res.rawPayload, { status: res.statusCode, headers });
  };
}

/** Registers `/mcp` when `mcp.enabled`; only then is the MCP SDK loaded. */
export async function registerMcpRoute(ctx: GatewayContext, app: HttpApp): Promise<void> {
  if (!ctx.config.read(MCP_KEYS, 'mcp.enabled')) return;
  const { handleStreamableHttp, createMcpClient } = await import('@medkit/mcp');
  const maxOutputChars = ctx.config.read(MCP_KEYS, 'mcp.max_output_chars');
  const timeoutMs = ctx.config.read(MCP_KEYS, 'mcp.call_timeout_ms');
  const selfFetch = inProcessFetch(app);
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
      const client = createMcpClient({
        baseUrl: selfApiUrl(ctx.listening),
        timeoutMs,
        bearerToken: auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined,
        clientId: req.client.id,
        fetch: selfFetch,
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
}

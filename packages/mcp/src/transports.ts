// The two ways an agent reaches the server: stdio (`medkit mcp`, one agent process) and streamable
// HTTP (stateless: a fresh server per request, so replicas and restarts keep no session state).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMedkitMcpServer, type MedkitMcpOptions } from './server.js';
import type { SovdClientOptions } from './sovd-client.js';

/** The reference MCP server's environment variables, honoured so existing agent set-ups work. */
export interface McpEnvironment {
  ROS2_MEDKIT_BASE_URL?: string;
  ROS2_MEDKIT_BEARER_TOKEN?: string;
  ROS2_MEDKIT_TIMEOUT_S?: string;
}

const MAX_TIMEOUT_S = 600;

/** Client options from the reference environment (defaults: localhost:8080, 30 s). */
export function clientOptionsFromEnv(env: McpEnvironment): SovdClientOptions {
  const raw = env.ROS2_MEDKIT_TIMEOUT_S;
  const seconds = raw === undefined || raw === '' ? 30 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_S) throw new Error(`ROS2_MEDKIT_TIMEOUT_S must be a number of seconds in (0, ${MAX_TIMEOUT_S}], got '${raw}'`);
  return {
    baseUrl: env.ROS2_MEDKIT_BASE_URL || 'http://localhost:8080/api/v1',
    bearerToken: env.ROS2_MEDKIT_BEARER_TOKEN || undefined,
    timeoutMs: Math.round(seconds * 1000),
  };
}

/** Serves MCP on this process's stdin/stdout until stdin closes. */
export async function serveStdio(opts: MedkitMcpOptions): Promise<void> {
  const server = createMedkitMcpServer(opts);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  await closed;
}

/** Answers one streamable-HTTP MCP request (POST with a JSON-RPC body; GET/DELETE are refused in stateless mode). */
export async function handleStreamableHttp(opts: MedkitMcpOptions, req: IncomingMessage, res: ServerResponse, parsedBody: unknown): Promise<void> {
  const server = createMedkitMcpServer(opts);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, parsedBody);
}

// The two ways an agent reaches the server: stdio (`medkit mcp`, one agent process) and streamable
// HTTP (stateless: a fresh server per request, so replicas and restarts keep no session state).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMedkitMcpServer, type MedkitMcpOptions } from './server.js';
import type { McpClientOptions } from './gateway.js';

/** The reference MCP server's environment variables, honoured so existing agent set-ups work. */
export interface McpEnvironment {
  ROS2_MEDKIT_BASE_URL?: string;
  ROS2_MEDKIT_BEARER_TOKEN?: string;
  ROS2_MEDKIT_TIMEOUT_S?: string;
}

const MAX_TIMEOUT_S = 600;

/** Client options from the reference environment (defaults: localhost:8080, 30 s). */
export function clientOptionsFromEnv(env: McpEnvironment): McpClientOptions {
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

/** Largest JSON-RPC request body the standalone server reads (a tool call's arguments are small). */
export const MAX_MCP_REQUEST_BYTES = 1024 * 1024;

export class McpRequestError extends Error {
  readonly code: string = 'mcp-request-refused';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads and parses a request body, refusing more than `maxBytes` (413) or malformed JSON (400) before
 * anything is buffered beyond the cap. Empty bodies (GET, DELETE) give undefined.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_MCP_REQUEST_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new McpRequestError(413, 'payload-too-large', `request body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new McpRequestError(413, 'payload-too-large', `request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new McpRequestError(400, 'invalid-request', 'request body is not valid JSON');
  }
}

/**
 * Answers one streamable-HTTP MCP request (POST with a JSON-RPC body; GET/DELETE are refused in stateless
 * mode). `parsedBody` must be given: the caller bounds and parses it (readJsonBody, or Fastify's body limit),
 * so the SDK never buffers an unbounded body itself.
 */
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

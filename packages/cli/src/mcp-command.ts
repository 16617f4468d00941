// `medkit mcp`: the MCP server for AI agents, in its own process, talking to a gateway over REST.
// stdio by default (an agent starts it as a subprocess); `--http` serves streamable HTTP instead.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { clientOptionsFromEnv, handleStreamableHttp, McpRequestError, readJsonBody, serveStdio, createMcpClient, type McpClientOptions } from '@medkit/mcp';
import { GATEWAY_VERSION } from '@medkit/gateway';
import { UsageError } from './args.js';

export const MCP_HELP = `medkit mcp — MCP server for AI agents (tools over a medkit gateway's REST API)

Usage:
  medkit mcp [--url URL] [--token T] [--timeout-s S] [--client-id ID]       stdio (default)
  medkit mcp --http [--host H] [--port P] [...]                             streamable HTTP at /mcp

  --url URL         the gateway API (default $ROS2_MEDKIT_BASE_URL or http://localhost:8080/api/v1)
  --token T         bearer token sent to the gateway (default $ROS2_MEDKIT_BEARER_TOKEN)
  --timeout-s S     deadline of each gateway call (default $ROS2_MEDKIT_TIMEOUT_S or 30)
  --client-id ID    X-Client-Id the agent's locks are held under (default medkit-mcp)
  --max-output N    longest tool result in characters (default 20000)
  --http            serve streamable HTTP instead of stdio
  --host H          HTTP listen address (default 127.0.0.1)
  --port P          HTTP port (default 8765)`;

interface McpCommand {
  client: McpClientOptions;
  maxOutputChars: number;
  http?: { host: string; port: number };
}

function intIn(raw: string, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}–${max}, got '${raw}'`);
  return n;
}

/** Parses `medkit mcp ...` (argv after the word `mcp`); the reference environment variables are the defaults. */
export function parseMcpCommand(argv: string[], env: NodeJS.ProcessEnv): McpCommand | 'help' {
  let v;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'timeout-s': { type: 'string' },
        'client-id': { type: 'string' },
        'max-output': { type: 'string' },
        http: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (try: medkit mcp --help)`);
  }
  if (v.help) return 'help';
  let client: McpClientOptions;
  try {
    client = clientOptionsFromEnv({
      ROS2_MEDKIT_BASE_URL: v.url ?? env.ROS2_MEDKIT_BASE_URL,
      ROS2_MEDKIT_BEARER_TOKEN: v.token ?? env.ROS2_MEDKIT_BEARER_TOKEN,
      ROS2_MEDKIT_TIMEOUT_S: v['timeout-s'] ?? env.ROS2_MEDKIT_TIMEOUT_S,
    });
    new URL(client.baseUrl);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  client.clientId = v['client-id'] ?? 'medkit-mcp';
  const maxOutputChars = v['max-output'] === undefined ? 20_000 : intIn(v['max-output'], 'max-output', 1000, 1_000_000);
  const http = v.http ? { host: v.host ?? '127.0.0.1', port: v.port === undefined ? 8765 : intIn(v.port, 'port', 0, 65535) } : undefined;
  return { client, maxOutputChars, http };
}

/** [ours] How long `medkit mcp --http` keeps an idle client connection open. */
const MCP_KEEP_ALIVE_MS = 65_000;

/** Runs the command until stdin closes (stdio) or SIGINT/SIGTERM (HTTP). */
export async function runMcpCommand(cmd: McpCommand, log: (line: string) => void): Promise<number> {
  const opts = { client: createMcpClient(cmd.client), maxOutputChars: cmd.maxOutputChars, version: GATEWAY_VERSION };
  if (!cmd.http) {
    // stdout carries the protocol: everything for people goes to stderr.
    await serveStdio(opts);
    return 0;
  }
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'resource-not-found', message: 'the MCP endpoint is /mcp' }));
      return;
    }
    readJsonBody(req)
      .then((body) => handleStreamableHttp(opts, req, res, body))
      .catch((err) => {
        const known = err instanceof McpRequestError;
        if (!known) log(`medkit mcp: request failed: ${(err as Error).message}`);
        if (res.headersSent) return void res.end();
        const status = known ? err.status : 500;
        // A refused body is not read further: close the connection instead of draining it.
        res.writeHead(status, { 'content-type': 'application/json', ...(known ? { connection: 'close' } : {}) });
        res.end(JSON.stringify({ error_code: known ? err.errorCode : 'internal-error', message: known ? err.message : 'the MCP request failed' }));
      });
  });
  // An agent pauses for seconds between calls: with Node's 5 s the server closed idle connections just as a client
  // reused them, and fetch does not retry a POST on a socket closed under it ("other side closed").
  server.keepAliveTimeout = MCP_KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cmd.http!.port, cmd.http!.host, () => resolve());
  });
  const addr = server.address() as { address: string; port: number };
  log(`medkit mcp: streamable HTTP at http://${addr.address}:${addr.port}/mcp → ${cmd.client.baseUrl}`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

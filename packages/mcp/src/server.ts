// Builds the MCP server: the tool table registered with the SDK, every result bounded, every gateway
// error turned into a tool error the agent can read (status, SOVD code, message) instead of a crash.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { boundedJson } from './bounded.js';
import { SovdCallError, type SovdClient } from './sovd-client.js';
import { ENTITY_TYPES, TOOLS, type ToolSpec } from './tools.js';

export interface MedkitMcpOptions {
  client: SovdClient;
  /** Longest text a tool returns (characters). */
  maxOutputChars?: number;
  /** Name and version the server reports in `initialize`. */
  version?: string;
}

export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;

type TextContent = { type: 'text'; text: string };
interface ToolAnswer {
  [key: string]: unknown;
  content: TextContent[];
  isError?: boolean;
}

/** Runs one tool and shapes its answer; a failure is an `isError` result, never a thrown protocol error. */
export async function runTool(spec: ToolSpec, client: SovdClient, args: unknown, maxChars: number): Promise<ToolAnswer> {
  try {
    const value = await spec.run(client, args as never);
    const { text } = boundedJson(value, maxChars);
    return { content: [{ type: 'text', text }] };
  } catch (err) {
    if (err instanceof SovdCallError) {
      const { text } = boundedJson({ status: err.status, error_code: err.errorCode, message: err.message, details: err.body }, maxChars);
      return { content: [{ type: 'text', text }], isError: true };
    }
    return { content: [{ type: 'text', text: `${spec.name} failed: ${(err as Error).message}` }], isError: true };
  }
}

/** An MCP server exposing the gateway behind `client` as tools and resources. */
export function createMedkitMcpServer(opts: MedkitMcpOptions): McpServer {
  const maxChars = opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const server = new McpServer({ name: 'medkit', version: opts.version ?? '0.1.0' });
  for (const spec of TOOLS) {
    server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        annotations: { readOnlyHint: !spec.mutating, destructiveHint: spec.mutating, openWorldHint: true },
      },
      (args: unknown) => runTool(spec, opts.client, args ?? {}, maxChars),
    );
  }

  // The entity tree as a resource: one document an agent can read before choosing ids.
  server.registerResource('entity-tree', 'medkit://entities', { title: 'Entity tree', description: 'Every area, component, app and function of the robot', mimeType: 'application/json' }, async (uri) => {
    const tree: Record<string, unknown> = {};
    for (const t of ENTITY_TYPES) tree[t] = ((await opts.client.get(`/${t}`)).body as { items?: unknown }).items ?? [];
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: boundedJson(tree, maxChars).text }] };
  });
  server.registerResource(
    'entity',
    new ResourceTemplate('medkit://{entity_type}/{entity_id}', { list: undefined }),
    { title: 'Entity', description: 'One entity in detail', mimeType: 'application/json' },
    async (uri, vars) => {
      const type = String(vars.entity_type);
      if (!(ENTITY_TYPES as readonly string[]).includes(type)) throw new Error(`unknown entity type '${type}'`);
      const r = await opts.client.get(`/${type}/${encodeURIComponent(String(vars.entity_id))}`);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: boundedJson(r.body, maxChars).text }] };
    },
  );
  return server;
}

// Registers the catalog with the SDK's McpServer — every declaration under both name sets and each of its
// reference names, with its input and output schema — and answers tools/list and tools/call for it:
// - tools/list pages the tools with checked cursors (the SDK's own list ignores the cursor);
// - tools/call renames the reference's argument names to ours (aliases.ts), refuses invalid arguments with the documented error JSON before any REST call (the SDK's
//   own call answers a schema failure with free text), then runs the registered callback and checks its
//   structuredContent against the output schema, as the SDK does.
// Both replace the SDK's handlers through the low-level Server's public setRequestHandler.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { checkedInput, normalizeArguments, publishedInput } from './aliases.js';
import { CATALOG, type ReferenceName, type ToolDeclaration } from './catalog/index.js';
import { outputSchema } from './catalog/schemas.js';
import { errorResult, execute, type ExecutorLimits } from './executor.js';
import { servedNames } from './names.js';
import { paginate } from './pagination.js';
import type { MedkitClient } from '@medkit/client';
import { invalidArguments, ToolInputError } from './tool-errors.js';

interface Served {
  decl: ToolDeclaration;
  /** Set when the name is one of the declaration's reference names. */
  ref?: ReferenceName;
  registered: RegisteredTool;
  /** The callback registered with the SDK for this name. */
  run: (args: Record<string, unknown>) => Promise<CallToolResult>;
  input: z.ZodObject;
  output: z.ZodObject;
  listed: Tool;
}

// draft-7, as the SDK itself publishes schemas (its client validates structuredContent with Ajv).
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'draft-7', io }) as Tool['inputSchema'];

/** What a reference name's description adds: which tool it is, and what the name implies. */
function referenceNote(decl: ToolDeclaration, ref: ReferenceName): string {
  const implied = Object.entries(ref.fixed ?? {}).map(([k, v]) => `, ${k} ${String(v)}`).join('');
  return `the reference server's name for ${servedNames(decl.name).join(' / ')}${implied}`;
}

/** One served name of a declaration, with what depends on the catalog alone. */
interface StaticTool {
  name: string;
  decl: ToolDeclaration;
  ref?: ReferenceName;
  input: z.ZodObject;
  published: z.ZodObject;
  output: z.ZodObject;
  listed: Tool;
}

let staticTools: StaticTool[] | undefined;
/**
 * The catalog's names with their schemas, built once per process: the HTTP transport builds a server per request
 * (stateless streamable HTTP), and converting the schemas to JSON Schema took most of its 80–150 ms of CPU. Zod
 * schemas are immutable and the listed tools are only read, so every server shares them.
 */
function catalogTools(): StaticTool[] {
  if (staticTools) return staticTools;
  const tools: StaticTool[] = [];
  for (const decl of CATALOG) {
    const output = outputSchema(decl.output);
    const annotations = { title: decl.title, readOnlyHint: !decl.mutating, destructiveHint: decl.mutating, openWorldHint: true };
    const outputJson = jsonSchema(output, 'output');
    for (const ref of [undefined, ...(decl.referenceNames ?? [])]) {
      const input = checkedInput(decl, ref);
      // What clients see: our arguments plus the reference's names for them (aliases.ts).
      const published = publishedInput(decl, ref);
      const description = ref ? `${decl.description} (${referenceNote(decl, ref)})` : decl.description;
      const schemas = { inputSchema: jsonSchema(published, 'input'), outputSchema: outputJson };
      for (const name of servedNames(ref?.name ?? decl.name)) {
        tools.push({ name, decl, ref, input, published, output, listed: { name, title: decl.title, description, ...schemas, annotations } });
      }
    }
  }
  staticTools = tools;
  return tools;
}

/** Registers every tool of the catalog on `server`; `pageSize` tools per tools/list page. */
export function registerTools(server: McpServer, client: MedkitClient, limits: ExecutorLimits, pageSize: number): void {
  const served = new Map<string, Served>();
  // All names of a declaration share its callback.
  const runs = new Map<ToolDeclaration, Served['run']>();
  for (const t of catalogTools()) {
    let run = runs.get(t.decl);
    if (!run) {
      const decl = t.decl;
      run = (args: Record<string, unknown>) => execute(decl, args, client, limits);
      runs.set(decl, run);
    }
    const { title, description, annotations } = t.listed;
    const call = run;
    const registered = server.registerTool(t.name, { title, description, inputSchema: t.published, outputSchema: t.output, annotations }, (args: unknown) => call(args as Record<string, unknown>));
    served.set(t.name, { decl: t.decl, ref: t.ref, registered, run, input: t.input, output: t.output, listed: t.listed });
  }
  const all = [...served.values()].map((s) => s.listed);

  server.server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const page = paginate('tools', all, request.params?.cursor, pageSize);
    return { tools: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });

  server.server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = served.get(request.params.name);
    if (!tool || !tool.registered.enabled) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    let normalized;
    try {
      normalized = normalizeArguments(request.params.name, tool.decl, request.params.arguments ?? {}, tool.ref);
    } catch (err) {
      if (err instanceof ToolInputError) return errorResult(err.body, limits.maxChars);
      throw err;
    }
    const parsed = tool.input.safeParse(normalized.args);
    if (!parsed.success) return errorResult(invalidArguments(request.params.name, parsed.error, normalized.callerName), limits.maxChars);
    const result = await tool.run(parsed.data as Record<string, unknown>);
    if (!result.isError) {
      const check = tool.output.safeParse(result.structuredContent);
      if (!check.success) throw new McpError(ErrorCode.InternalError, `${request.params.name}: structured content does not match the output schema: ${check.error.message}`);
    }
    return result;
  });
}

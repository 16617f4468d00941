// Builds the MCP server: the tool catalog (tool-registry.ts) and the entity resources (resources.ts)
// over one gateway client, every answer bounded.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerResources } from './resources.js';
import type { MedkitClient } from '@medkit/client';
import { registerTools } from './tool-registry.js';

export interface MedkitMcpOptions {
  /** The gateway: @medkit/client's client (`createMcpClient` builds one with the MCP server's options). */
  client: MedkitClient;
  /** Longest text a tool returns (characters). */
  maxOutputChars?: number;
  /** Name and version the server reports in `initialize`. */
  version?: string;
  /** Tools per tools/list page (default: all in one page, as most agent hosts expect). */
  toolsPageSize?: number;
  /** Resources per resources/list page. */
  resourcesPageSize?: number;
  /**
   * The directory downloads are saved in and output_dir must stay inside (default: the OS temp dir, files
   * without output_dir in its medkit-mcp-downloads; null: no file is saved, a download too long for an answer is refused).
   */
  downloadDir?: string | null;
}

export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;
export const DEFAULT_TOOLS_PAGE_SIZE = 500;
export const DEFAULT_RESOURCES_PAGE_SIZE = 100;

/** An MCP server exposing the gateway behind `client` as tools and resources. */
export function createMedkitMcpServer(opts: MedkitMcpOptions): McpServer {
  const maxChars = opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const server = new McpServer({ name: 'medkit', version: opts.version ?? '0.1.0' });
  registerTools(server, opts.client, { maxChars, downloadDir: opts.downloadDir }, opts.toolsPageSize ?? DEFAULT_TOOLS_PAGE_SIZE);
  registerResources(server, opts.client, maxChars, opts.resourcesPageSize ?? DEFAULT_RESOURCES_PAGE_SIZE);
  return server;
}

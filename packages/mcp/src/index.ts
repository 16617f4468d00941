// @medkit/mcp: an MCP server for AI agents, speaking to a medkit gateway over its REST API.
export { SovdClient, SovdCallError, type SovdClientOptions, type SovdResponse } from './sovd-client.js';
export { createMedkitMcpServer, runTool, DEFAULT_MAX_OUTPUT_CHARS, type MedkitMcpOptions } from './server.js';
export { TOOLS, ENTITY_TYPES, type ToolSpec } from './tools.js';
export { boundedJson, trimLists } from './bounded.js';
export { serveStdio, handleStreamableHttp, readJsonBody, McpRequestError, MAX_MCP_REQUEST_BYTES, clientOptionsFromEnv, type McpEnvironment } from './transports.js';

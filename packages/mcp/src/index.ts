// @medkit/mcp: an MCP server for AI agents, speaking to a medkit gateway over its REST API.
export { createMcpClient, SovdCallError, DEFAULT_MAX_RESPONSE_BYTES, type McpClientOptions } from './gateway.js';
export { createMedkitMcpServer, DEFAULT_MAX_OUTPUT_CHARS, DEFAULT_TOOLS_PAGE_SIZE, DEFAULT_RESOURCES_PAGE_SIZE, type MedkitMcpOptions } from './server.js';
export { CATALOG, ENTITY_TYPES, type ToolDeclaration, type BodySpec, type GatherSpec, type HttpMethod, type ReferenceName } from './catalog/index.js';
export { NAME_PREFIXES, servedNames, declarationNames } from './names.js';
export { REFERENCE_SOURCE, REFERENCE_TOOL_ARGUMENTS, REFERENCE_TOOL_NAMES } from './reference-tools.js';
export { execute, errorResult, type ExecutorLimits } from './executor.js';
export { buildRequest, resolvePath, type RestRequest } from './request.js';
export { type ToolErrorBody } from './tool-errors.js';
export { RESOURCE_NOT_FOUND } from './resources.js';
export { DEFAULT_DOWNLOAD_DIR } from './save-download.js';
export { renderToolTable, referenceTarget, TOOL_TABLE_BEGIN, TOOL_TABLE_END } from './tool-table.js';
export { boundedJson, trimLists } from './bounded.js';
export { serveStdio, handleStreamableHttp, readJsonBody, McpRequestError, MAX_MCP_REQUEST_BYTES, clientOptionsFromEnv, type McpEnvironment } from './transports.js';

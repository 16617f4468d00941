// The `/mcp` route's configuration keys (docs/mcp.md).
import { bool, int } from '@medkit/kit';

export const MCP_KEYS = {
  'mcp.enabled': bool(false, '[ours] Serve the MCP server for AI agents at /mcp (streamable HTTP). `medkit mcp` serves it over stdio instead.'),
  'mcp.max_output_chars': int(20000, '[ours] Longest text one MCP tool returns; longer results keep the head of their lists and say what was cut.', { min: 1000, max: 1000000 }),
  'mcp.call_timeout_ms': int(30000, '[ours] Deadline of each REST call an MCP tool makes.', { min: 100, max: 600000 }),
};

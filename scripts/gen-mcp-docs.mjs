#!/usr/bin/env node
// Regenerates the tool table of docs/mcp.md from the MCP catalog (needs `npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderToolTable, TOOL_TABLE_BEGIN, TOOL_TABLE_END } from '@medkit/mcp';

const file = new URL('../docs/mcp.md', import.meta.url);
const doc = readFileSync(file, 'utf8');
const from = doc.indexOf(TOOL_TABLE_BEGIN);
const to = doc.indexOf(TOOL_TABLE_END);
if (from < 0 || to < from) throw new Error('docs/mcp.md has no tool table markers');
writeFileSync(file, doc.slice(0, from) + renderToolTable() + doc.slice(to + TOOL_TABLE_END.length));
console.log(`wrote ${file.pathname}`);

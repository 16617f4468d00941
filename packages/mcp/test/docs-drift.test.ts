// docs/mcp.md lists exactly the tools the server offers: its table is the one the catalog renders
// (regenerate with `npm run docs:mcp`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG, renderToolTable, TOOL_TABLE_BEGIN, TOOL_TABLE_END } from '../src/index.js';

describe('docs/mcp.md', () => {
  it('has the tool table generated from the catalog', () => {
    const doc = readFileSync(new URL('../../../docs/mcp.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf(TOOL_TABLE_BEGIN), doc.indexOf(TOOL_TABLE_END) + TOOL_TABLE_END.length);
    expect(table, 'docs/mcp.md is stale: run npm run docs:mcp').toBe(renderToolTable());
    for (const d of CATALOG) expect(table).toContain(`\`ros2_medkit_${d.name}\``);
  });
});

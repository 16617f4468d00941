// The check both /mcp tests make (plain HTTP and TLS): the tools are listed, and `sovd_entities_list`
// answers with the same components as the REST route, fetched with the caller's own fetch.
import { expect } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export async function expectToolsAnswerFromTree(client: Client, api: string, fetchFn: typeof fetch = fetch): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.length).toBeGreaterThanOrEqual(23);
  const r = (await client.callTool({ name: 'sovd_entities_list', arguments: { entity_type: 'components' } })) as { content: { text: string }[]; isError?: boolean };
  expect(r.isError).not.toBe(true);
  const listed = JSON.parse(r.content[0].text).components.map((c: { id: string }) => c.id);
  const rest = (await (await fetchFn(`${api}/components`)).json()) as { items: { id: string }[] };
  expect(listed.length).toBeGreaterThan(0);
  expect(listed).toEqual(rest.items.map((c) => c.id));
}

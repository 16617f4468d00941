// Resources: the whole entity tree (`medkit://entities`) and each entity (`medkit://{type}/{id}`).
// resources/list pages the tree's entities with checked cursors; reading an entity the gateway does not
// know answers MCP's resource-not-found error (-32002) with `error_code: resource-not-found` in its data.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListResourcesRequestSchema, McpError, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { boundedJson } from './bounded.js';
import { ENTITY_TYPES } from './catalog/index.js';
import { paginate } from './pagination.js';
import type { MedkitClient } from '@medkit/client';
import { gatewayCall, SovdCallError } from './gateway.js';

/** MCP's code for a resource that does not exist (the spec's -32002; the SDK has no name for it). */
export const RESOURCE_NOT_FOUND = -32002;
/** Most entities listed as resources (a robot's tree is far smaller; a hostile peer's is not). */
const MAX_LISTED_ENTITIES = 5000;

const TREE_URI = 'medkit://entities';

function notFound(uri: string, detail: string): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `Resource ${uri} not found: ${detail}`, { uri, error_code: 'resource-not-found' });
}

/** A URI's entity id decoded, or undefined when it is not valid percent-encoding (a client's hostile URI). */
function decodedId(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The items of one entity collection; an answer without an `items` list counts as empty. */
async function collection(client: MedkitClient, type: string): Promise<unknown[]> {
  const items = ((await gatewayCall(client, 'GET', `/${type}`)).body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items : [];
}

async function entityResources(client: MedkitClient): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const type of ENTITY_TYPES) {
    for (const item of (await collection(client, type)).slice(0, MAX_LISTED_ENTITIES - out.length)) {
      const e = (item ?? {}) as { id?: unknown; name?: unknown };
      if (typeof e.id !== 'string') continue;
      out.push({ uri: `medkit://${type}/${encodeURIComponent(e.id)}`, name: `${type}/${e.id}`, title: typeof e.name === 'string' ? e.name : e.id, mimeType: 'application/json' });
    }
  }
  return out;
}

export function registerResources(server: McpServer, client: MedkitClient, maxChars: number, pageSize: number): void {
  const tree = { uri: TREE_URI, name: 'entity-tree', title: 'Entity tree', description: 'Every area, component, app and function of the robot', mimeType: 'application/json' };
  server.registerResource(tree.name, TREE_URI, { title: tree.title, description: tree.description, mimeType: tree.mimeType }, async (uri) => {
    const all: Record<string, unknown> = {};
    for (const t of ENTITY_TYPES) all[t] = await collection(client, t);
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: boundedJson(all, maxChars).text }] };
  });
  server.registerResource(
    'entity',
    new ResourceTemplate('medkit://{entity_type}/{entity_id}', { list: undefined }),
    { title: 'Entity', description: 'One entity in detail', mimeType: 'application/json' },
    async (uri, vars) => {
      const type = String(vars.entity_type);
      if (!(ENTITY_TYPES as readonly string[]).includes(type)) throw notFound(uri.href, `unknown entity type '${type}'`);
      const id = decodedId(String(vars.entity_id));
      if (id === undefined) throw notFound(uri.href, 'the entity id is not valid percent-encoding');
      try {
        const r = await gatewayCall(client, 'GET', `/${type}/${encodeURIComponent(id)}`);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: boundedJson(r.body, maxChars).text }] };
      } catch (err) {
        if (err instanceof SovdCallError && err.status === 404) throw notFound(uri.href, err.message);
        throw err;
      }
    },
  );
  // The list: the tree first, then every entity; the SDK's own list ignores the cursor.
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const all = [tree as Resource, ...(await entityResources(client))];
    const page = paginate('resources', all, cursor, pageSize);
    return { resources: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
}

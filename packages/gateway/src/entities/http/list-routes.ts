// The top-level entity lists (GET /areas, /components, /apps, /functions; docs/api.md "Discovery"), and the list
// shapes the relationship routes share. A deferred gateway answers these before its other routes are built
// (ServerFeature.early; docs/deploy.md "Start-up: /health first"): the graph is what a user asks for first.
// Lists are served from the entity cache; each body is memoised per cache generation.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, Collection, Opaque, type HttpApp, type RouteModule } from '@medkit/server';
import { ENTITY_SEGMENTS, SEGMENT_TO_TYPE, TYPE_TITLE, type EntitySegment } from '../../entity-scope/collections.js';
import type { Area, Component, Entity, EntityType } from '../model.js';
import type { EntityCache } from '../cache.js';
import { listItem, type ListItem } from './shapes.js';

export const ListItemSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    href: Type.String(),
    type: Type.Union([Type.Literal('area'), Type.Literal('component'), Type.Literal('app'), Type.Literal('function')]),
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    'x-medkit': Type.Optional(Opaque('source, is_online, component_id, ros2, identity, available, missing ...')),
  },
  { $id: 'EntityListItem', title: 'EntityListItem' },
);
export const EntityList = Collection(Type.Ref(ListItemSchema), { title: 'EntityList' });

export const TagsQuery = Type.Object({ tags: Type.Optional(Type.String({ description: 'Comma-separated; keeps entities having any of them [ours]' })) });

/** The paths of the top-level lists (what a deferred gateway answers early). */
export const ENTITY_LIST_PATHS: readonly string[] = ENTITY_SEGMENTS.map((segment) => `${API_BASE}/${segment}`);

/** `items` keeping those with any of the comma-separated `tags` (all of them without). */
export function filterTags(items: ListItem[], tags?: string): ListItem[] {
  if (!tags) return items;
  const want = tags.split(',').map((t) => t.trim()).filter(Boolean);
  return want.length === 0 ? items : items.filter((i) => i.tags?.some((t) => want.includes(t)));
}

function isTopLevel(type: EntityType, e: Entity): boolean {
  if (type === 'area') return !(e as Area).parent_area_id;
  if (type === 'component') return !(e as Component).parent_component_id;
  return true;
}

/** The content type of the memoised bodies sent as bytes (the lists here, the details in routes.ts). */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The top-level list of a segment (GET /{segment}), read from `cache()` per request; one registrar per app, whose
 * bodies are memoised per cache generation. The full app registers each beside its segment's other routes (the
 * API description keeps its order); registerEntityLists registers all four.
 */
export function entityLists(cache: () => EntityCache): (app: HttpApp, segment: EntitySegment) => void {
  // Top-level lists are the hot path (UI polling, fleets): memoise the body per cache generation. Memoised bodies
  // are kept as the bytes that go out: a Buffer goes to the socket as it is, a string is encoded again on every
  // response (the 2.4 KB detail: 44 against 65 µs of server CPU per request, docs/benchmarks.md).
  const listCache = new Map<EntityType, { generation: number; body: Buffer }>();
  return (app, segment) => {
    const type = SEGMENT_TO_TYPE[segment];
    app.get(
      `${API_BASE}/${segment}`,
      {
        schema: {
          operationId: `list${TYPE_TITLE[type]}s`,
          summary: `Top-level ${type}s`,
          tags: ['discovery'],
          querystring: TagsQuery,
          response: { 200: EntityList as TSchema },
        },
      },
      // Not async (the cached body is the hot path): a promise per request is measurable here.
      (req: FastifyRequest, reply: FastifyReply): void => {
        const q = cache();
        const tags = (req.query as { tags?: string }).tags;
        if (!tags) {
          const hit = listCache.get(type);
          if (hit && hit.generation === q.generation) {
            void reply.type(JSON_TYPE).send(hit.body);
            return;
          }
        }
        const items = filterTags(q.list(type).filter((e) => isTopLevel(type, e)).map((e) => listItem(type, e)), tags);
        const body = { items, 'x-medkit': { total_count: items.length } };
        if (tags) {
          void reply.send(body);
          return;
        }
        const bytes = Buffer.from(JSON.stringify(body));
        listCache.set(type, { generation: q.generation, body: bytes });
        void reply.type(JSON_TYPE).send(bytes);
      },
    );
  };
}

/** The list item schema and the four top-level lists (a deferred gateway's early routes). */
export function registerEntityLists(cache: () => EntityCache): RouteModule {
  return (app) => {
    app.addSchema(ListItemSchema);
    const list = entityLists(cache);
    for (const segment of ENTITY_SEGMENTS) list(app, segment);
  };
}

// Discovery routes (docs/api.md): entity lists, details and every relationship route.
// The top-level lists are list-routes.ts's; details are memoised per cache generation and plugin revision.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError, Opaque } from '@medkit/server';
import { ID_PARAM, SEGMENT_TO_TYPE, TYPE_TITLE, type EntitySegment } from '../../entity-scope/collections.js';
import type { EntityResolver } from '../../entity-scope/resolve.js';
import type { Entity, EntityType } from '../model.js';
import type { EntityCache } from '../cache.js';
import {
  appBelongsTo,
  appDependsOn,
  appIsLocatedOn,
  areaComponents,
  areaContains,
  componentDependsOn,
  componentHosts,
  functionHosts,
  subareas,
  subcomponents,
  type Related,
} from '../relations.js';
import { functionMemberApps } from '../hierarchy.js';
import { detail, href, listItem, missingItem, type DetailOptions, type ListItem } from './shapes.js';
import { registerTopologyRoute } from './topology-route.js';
import { EntityList, entityLists, filterTags, JSON_TYPE, ListItemSchema, TagsQuery } from './list-routes.js';

/** What the discovery routes read from the entity cache. */

const Capability = Type.Object({ name: Type.String(), href: Type.String() });
const EntityDetail = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    translation_id: Type.Optional(Type.String()),
    capabilities: Type.Array(Capability),
    _links: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
    'x-medkit': Opaque(),
  },
  {
    additionalProperties: Type.String({ description: 'One URI per resource collection (data, operations, faults, ...)' }),
    $id: 'EntityDetail',
    title: 'EntityDetail',
    examples: [
      {
        id: 'lidar-front',
        name: 'Front LiDAR Driver',
        type: 'app',
        data: '/api/v1/apps/lidar-front/data',
        capabilities: [{ name: 'data', href: '/api/v1/apps/lidar-front/data' }],
        _links: { self: '/api/v1/apps/lidar-front', collection: '/api/v1/apps' },
        'x-medkit': { source: 'manifest', is_online: true },
      },
    ],
  },
);

interface Relationship {
  segment: EntitySegment;
  name: string;
  summary: string;
  /** Link key naming the owner in `_links`. */
  ownerLink: string;
  items(id: string, c: EntityCache): ListItem[];
}

function related<T extends Entity>(type: EntityType, rel: Related<T>[]): ListItem[] {
  return rel.map((r) => (r.entity ? listItem(type, r.entity) : missingItem(type, r.id)));
}

const RELATIONSHIPS: Relationship[] = [
  { segment: 'areas', name: 'subareas', summary: 'Direct subareas of an area', ownerLink: 'parent', items: (id, c) => subareas(c, id).map((a) => listItem('area', a)) },
  { segment: 'areas', name: 'components', summary: 'Components directly in an area', ownerLink: 'area', items: (id, c) => areaComponents(c, id).map((x) => listItem('component', x)) },
  {
    segment: 'areas',
    name: 'contains',
    summary: 'Components in an area and all its descendant subareas',
    ownerLink: 'area',
    items: (id, c) => areaContains(c, id).map((x) => listItem('component', x)),
  },
  {
    segment: 'components',
    name: 'subcomponents',
    summary: 'Direct subcomponents of a component',
    ownerLink: 'parent',
    items: (id, c) => subcomponents(c, id).map((x) => listItem('component', x)),
  },
  { segment: 'components', name: 'hosts', summary: 'Apps hosted on a component', ownerLink: 'component', items: (id, c) => componentHosts(c, id).map((a) => listItem('app', a)) },
  {
    segment: 'components',
    name: 'depends-on',
    summary: 'Components this component depends on',
    ownerLink: 'component',
    items: (id, c) => related('component', componentDependsOn(c, id)),
  },
  {
    segment: 'apps',
    name: 'is-located-on',
    summary: 'The component hosting an app (0 or 1 item)',
    ownerLink: 'app',
    items: (id, c) => related('component', appIsLocatedOn(c, id)),
  },
  {
    segment: 'apps',
    name: 'belongs-to',
    summary: "The area of an app's host component (0 or 1 item)",
    ownerLink: 'app',
    items: (id, c) =>
      appBelongsTo(c, id).map((b) => {
        if (b.entity) return listItem('area', b.entity);
        // The dangling-component case has no area id: serialise a stable placeholder id.
        const item = missingItem('area', b.id || 'unknown-area', b.unresolved_component ? { unresolved_component: b.unresolved_component } : {});
        return { ...item, name: b.name };
      }),
  },
  { segment: 'apps', name: 'depends-on', summary: 'Apps this app depends on', ownerLink: 'app', items: (id, c) => related('app', appDependsOn(c, id)) },
  {
    segment: 'functions',
    name: 'hosts',
    summary: 'Apps hosting a function (apps of hosting components included)',
    ownerLink: 'function',
    items: (id, c) => {
      // The route lists apps: component hosts contribute their apps (spec: a Function spans its hosts' apps).
      const hosts = functionHosts(c, id);
      const missing = hosts.filter((h) => h.missing).map((h) => missingItem('app', h.id));
      return [...functionMemberApps(c, id).map((a) => listItem('app', a)), ...missing];
    },
  },
];

interface DiscoveryRouteDeps {
  cache: () => EntityCache;
  resolver: EntityResolver;
  detailOptions: () => DetailOptions;
}

export function registerDiscoveryRoutes(deps: DiscoveryRouteDeps) {
  return (app: HttpApp): void => {
    app.addSchema(ListItemSchema);
    app.addSchema(EntityDetail);
    registerTopologyRoute(app, deps.cache);
    const listOf = entityLists(deps.cache);
    // Detail bodies of one entity-cache generation and plugin revision (at most one per entity; dropped when either
    // moves). Plugins decorate details from their own state (capabilities, hasData/hasOperations, metadata): the
    // host's revision moves whenever that may have changed (plugins/host.ts), so a body is never served stale.
    const detailCache = {
      generation: -1,
      revision: -1,
      bodies: new Map<string, Buffer>(),
      /** The bodies valid for `generation` and `revision`, emptied first when either moved. */
      at(generation: number, revision: number): Map<string, Buffer> {
        if (generation !== this.generation || revision !== this.revision) {
          this.generation = generation;
          this.revision = revision;
          this.bodies.clear();
        }
        return this.bodies;
      },
    };
    // Looked up on the first request (options are complete once every route is registered), not built per request.
    let revisionOf: (() => number) | undefined;
    const pluginsRevision = (): number => (revisionOf ??= deps.detailOptions().pluginsRevision ?? (() => 0))();

    for (const segment of Object.keys(SEGMENT_TO_TYPE) as EntitySegment[]) {
      const type = SEGMENT_TO_TYPE[segment];
      const idParam = ID_PARAM[segment];
      const params = Type.Object({ [idParam]: EntityId(`${type} id`) });
      const tag = 'discovery';
      const cap = TYPE_TITLE[type];

      for (const rel of RELATIONSHIPS.filter((r) => r.segment === segment)) {
        app.get(
          `${API_BASE}/${segment}/:${idParam}/${rel.name}`,
          {
            config: { entity: { segment } },
            schema: {
              operationId: `list${cap}${rel.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
              summary: rel.summary,
              tags: [tag],
              params,
              querystring: TagsQuery,
              response: { 200: EntityList, 400: GenericError, 404: GenericError },
            },
          },
          async (req: FastifyRequest) => {
            const id = (req.params as Record<string, string>)[idParam];
            const owner = req.entity.entity;
            const items = filterTags(rel.items(owner.id, deps.cache()), (req.query as { tags?: string }).tags);
            return {
              items,
              'x-medkit': { total_count: items.length },
              _links: { self: `${href(type, id)}/${rel.name}`, [rel.ownerLink === 'parent' ? 'parent' : rel.ownerLink]: href(type, id) },
            };
          },
        );
      }

      app.get(
        `${API_BASE}/${segment}/:${idParam}`,
        {
          config: { entity: { segment } },
          schema: {
            operationId: `get${cap}`,
            summary: `${cap} detail with its resource collections and links`,
            tags: [tag],
            params,
            response: { 200: Type.Ref(EntityDetail), 400: GenericError, 404: GenericError },
          },
        },
        // detail() builds exactly the documented shape; the native JSON.stringify is ~10% of a request cheaper
        // than the schema serializer (its union and additionalProperties paths), which matters on this hot route.
        // The body depends on the entity, the served features and the plugins' contributions, so it is memoised per
        // cache generation and plugin revision like the lists. Not async: a promise per request is measurable here.
        (req: FastifyRequest, reply: FastifyReply): void => {
          const entity = req.entity.entity;
          const bodies = detailCache.at(deps.cache().generation, pluginsRevision());
          const key = `${type}/${entity.id}`;
          let body = bodies.get(key);
          if (body === undefined) bodies.set(key, (body = Buffer.from(JSON.stringify(detail(type, entity, deps.detailOptions())))));
          void reply.type(JSON_TYPE).send(body);
        },
      );

      listOf(app, segment);
    }
  };
}

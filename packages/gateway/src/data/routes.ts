// HTTP ↔ DataService for /{entity}/data (docs/resources.md). Topic ids span segments: each item route is
// registered as `:data_id` (one segment, documented) and `*` (raw slashes).
import { Type } from '@sinclair/typebox';
import { SEGMENT_TITLE } from '../entity-scope/index.js';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE } from '../entity-scope/index.js';
import { sendResult } from '@medkit/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientGone } from '../ros/client-gone.js';
import type { DataService } from './service.js';
import { dataCategories, dataGroups } from './categories.js';
import { DataCategoryListSchema, DataGroupListSchema, DataListSchema, DataValueSchema } from './rest-shape.js';
import type { WriteRules } from './write-rules.js';
import { MAX_EVENT_RATE, type SampleStreams } from './sample-stream.js';
import type { SseHub } from '@medkit/server';

const DataGroupQuery = Type.Object({ category: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only groups of this category' })) });

const WriteBody = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'Message type pkg/msg/Type (required)' })),
    data: Type.Optional(Type.Unknown({ description: 'Message content (required)' })),
    confirm: Type.Optional(
      Type.String({
        maxLength: 256,
        description:
          '[ours] The topic name, confirming a deliberate write: required on a topic other nodes publish or one matching data.write.confirm_patterns (default *cmd_vel*, …); without it such a write is 409 precondition-not-fulfilled naming the topic and its publishers; naming another topic is 400 invalid-parameter (docs/resources.md "Writes are deliberate")',
      }),
    ),
  },
  { examples: [{ type: 'geometry_msgs/msg/Twist', data: { linear: { x: 0.1 }, angular: { z: 0.3 } }, confirm: '/cmd_vel' }] },
);

const WRITE_DESCRIPTION =
  'Publishes one message. Writes are deliberate (docs/resources.md): a topic outside data.write.allow is 403 forbidden (parameters.key names the key); ' +
  'a topic other nodes publish, or matching data.write.confirm_patterns, needs "confirm": "<topic>" in the body, else 409 precondition-not-fulfilled ' +
  'with parameters.topic_name, publishers and matched_pattern. Plugin-owned items: data.write.allow applies, the plugin answers the rest.';

// 403 x-medkit-ros2-permission-denied and 501 not-implemented: a topic the gateway's SROS2 permissions deny, or that needs a protection medkit lacks.
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 501: GenericError, 503: GenericError, 504: GenericError } as const;

const StreamQuery = Type.Object({
  max_rate: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENT_RATE, default: MAX_EVENT_RATE, description: 'Events per second at most (the statistics count every message)' })),
});

const STREAM_DESCRIPTION =
  '[x-medkit] Server-Sent Events of one topic (docs/api.md "Topic streams"). The gateway measures every message: `stats` holds ' +
  'rate_hz (1 / mean interval, as ros2 topic hz), interval_min_sec / interval_max_sec / interval_std_sec, window_count, bandwidth_bytes_per_sec, ' +
  'mean_size_bytes over the last 10 s (at most 1000 messages), received, and dropped (events skipped while the client had not read the previous ones). ' +
  'At most max_rate `sample` events a second {data, timestamp (ns), age_sec, stats} carry the newest message (data left off with value_omitted: too_large ' +
  'over 256 KiB serialized); a `stats` event {timestamp, age_sec, stats} comes at least once a second when no message did. ' +
  'More than data_provider.max_streams streams at once (or sse.max_clients SSE connections) is 503 service-unavailable. ' +
  'Plugin-owned data items do not stream (404). With raw slashes (`data/a/b/stream`) a topic named `…/stream` is read instead.';

interface DataRouteDeps {
  service: () => DataService;
  /** data.write.allow and data.write.confirm_patterns. */
  rules: () => WriteRules;
  /** Topic streams (undefined without ROS: the stream answers 503 like a read). */
  streams: () => SampleStreams | undefined;
  sse: SseHub;
  keepaliveMs: number;
}

/** The `{data_id}` of a request: the single-segment param or the wildcard. */
function dataId(params: Record<string, string>): string {
  const id = params.data_id ?? params['*'] ?? '';
  if (id === '' || id === '/') throw new SovdError('invalid-parameter', 'Missing data id', { details: 'data id must name a topic' });
  return id;
}

/** `?max_rate=`: validated by the schema on the documented route, here again for the raw-slash one (a string there). */
function maxRate(q: unknown): number {
  if (q === undefined) return MAX_EVENT_RATE;
  const n = typeof q === 'number' ? q : typeof q === 'string' && /^\d{1,3}$/.test(q) ? Number(q) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_EVENT_RATE) {
    throw new SovdError('invalid-parameter', `max_rate must be an integer from 1 to ${MAX_EVENT_RATE}`, { details: 'max_rate out of range', max_rate: String(q) });
  }
  return n;
}

export function registerDataRoutes(deps: DataRouteDeps) {
  // The data of an entity another provider serves (the service's chain); undefined: its topics serve it.
  const servedOf = (request: FastifyRequest) => deps.service().providers.resourceFor(request.entity);
  return (app: HttpApp): void => {
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const type = SEGMENT_TO_TYPE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), data_id: Type.String({ description: 'Topic path; percent-encode its slashes or send them raw' }) });
      const WildParams = Type.Object({ [idParam]: EntityId(`${Title} id`), '*': Type.String() });
      const tags = ['data'];
      const reads = { config: { entity: { segment, collection: 'data' as const } } };
      const writes = { config: { entity: { segment, collection: 'data' as const, mutating: true }, role: 'operator' as const } };

      app.get(
        `${base}/data`,
        { ...reads, schema: { operationId: `list${Title}Data`, summary: `Topics of a ${type} (not sampled)`, tags, params: Params, response: { 200: DataListSchema, ...ERR } } },
        async (request, reply) => {
          const served = servedOf(request);
          return served ? sendResult(reply, await served.list()) : deps.service().list(request.entity);
        },
      );

      const read = async (request: FastifyRequest, reply: FastifyReply, given?: string) => {
        const id = given ?? dataId(request.params as Record<string, string>);
        const served = servedOf(request);
        return served ? sendResult(reply, await served.read(id)) : deps.service().read(request.entity, id, clientGone(reply.raw));
      };
      const readSchema = (params: typeof ItemParams | typeof WildParams, suffix: string, hide: boolean) => ({
        operationId: `read${Title}Data${suffix}`,
        summary: `Latest message of a topic of a ${type}`,
        tags,
        params,
        response: { 200: DataValueSchema, ...ERR },
        ...(hide ? { hide: true } : {}),
      });
      const stream = async (request: FastifyRequest, reply: FastifyReply, id: string) => {
        if (servedOf(request)) throw new SovdError('resource-not-found', 'This entity\'s data items do not stream', { entity_id: request.entity.entity.id, data_id: id });
        const streams = deps.streams();
        const source = await deps.service().streamSource(request.entity, id, clientGone(reply.raw));
        if (!streams) throw new SovdError('service-unavailable', 'Topic streams are not available (ROS access is off)', { entity_id: request.entity.entity.id });
        const session = streams.open(source.listen, maxRate((request.query as { max_rate?: unknown } | undefined)?.max_rate));
        try {
          session.attach(deps.sse.start(request, reply, deps.keepaliveMs));
        } catch (err) {
          session.cancel();
          throw err;
        }
        return reply;
      };
      const streamOrRead = async (request: FastifyRequest, reply: FastifyReply) => {
        const id = dataId(request.params as Record<string, string>);
        if (!servedOf(request) && deps.service().hasItem(request.entity, `${id}/stream`)) {
          // The read's body, not the stream schema's string: serialized as it is.
          const body = await read(request, reply, `${id}/stream`);
          return reply.type('application/json; charset=utf-8').serializer((b: unknown) => JSON.stringify(b)).send(body);
        }
        return stream(request, reply, id);
      };
      // `data/<topic>/stream`, unless the entity has a topic of that very name (then it is a read, as before the route).
      app.get(
        `${base}/data/:data_id/stream`,
        {
          ...reads,
          schema: {
            operationId: `stream${Title}Data`, summary: `[x-medkit] SSE stream of a topic of a ${type}: every message measured, the newest sent at most max_rate times a second`,
            description: STREAM_DESCRIPTION, tags, params: ItemParams, querystring: StreamQuery, produces: ['text/event-stream'],
            response: { 200: Type.String({ description: 'text/event-stream' }), ...ERR },
          },
        },
        streamOrRead,
      );
      // Raw slashes: `data/a/b/stream` streams /a/b unless /a/b/stream is itself one of the entity's topics.
      const readOrStream = async (request: FastifyRequest, reply: FastifyReply) => {
        const id = dataId(request.params as Record<string, string>);
        const streamed = /^(.+)\/stream$/.exec(id)?.[1];
        if (streamed && !servedOf(request) && !deps.service().hasItem(request.entity, id)) return stream(request, reply, streamed);
        return read(request, reply, id);
      };
      app.get(`${base}/data/:data_id`, { ...reads, schema: readSchema(ItemParams, '', false) }, read);
      app.get(`${base}/data/*`, { ...reads, schema: readSchema(WildParams, 'Path', true) }, readOrStream);

      const write = async (request: FastifyRequest, reply: FastifyReply) => {
        const id = dataId(request.params as Record<string, string>);
        const served = servedOf(request);
        if (served) {
          deps.rules().checkAllowed(id, { entity_id: request.entity.entity.id });
          return sendResult(reply, await served.write(id, (request.body as { data?: unknown } | undefined)?.data));
        }
        return deps.service().write(request.entity, id, (request.body ?? {}) as { type?: unknown; data?: unknown; confirm?: unknown });
      };
      const writeSchema = (params: typeof ItemParams | typeof WildParams, suffix: string, hide: boolean) => ({
        operationId: `write${Title}Data${suffix}`,
        summary: `Publish one message on a topic of a ${type}`,
        description: WRITE_DESCRIPTION,
        tags,
        params,
        body: WriteBody,
        response: { 200: DataValueSchema, ...ERR },
        ...(hide ? { hide: true } : {}),
      });
      app.put(`${base}/data/:data_id`, { ...writes, schema: writeSchema(ItemParams, '', false) }, write);
      app.put(`${base}/data/*`, { ...writes, schema: writeSchema(WildParams, 'Path', true) }, write);

      // Categories and groups come from the entity's data list, whoever serves it (built-in or plugin). The
      // built-in items are only needed by id and category: the full list would size every cached value and
      // count every topic's endpoints for nothing.
      const listBody = async (request: FastifyRequest): Promise<unknown> => {
        const served = servedOf(request);
        if (served) return (await served.list()).body;
        return { items: deps.service().listIds(request.entity) };
      };
      app.get(
        `${base}/data-categories`,
        {
          ...reads,
          schema: {
            operationId: `get${Title}DataCategories`, summary: `Categories of the data items of a ${type}`, tags,
            description: 'The categories the entity\'s data items report (ROS topics: currentData), with item counts.',
            params: Params, response: { 200: DataCategoryListSchema, ...ERR },
          },
        },
        async (request) => dataCategories(await listBody(request)),
      );
      app.get(
        `${base}/data-groups`,
        {
          ...reads,
          schema: {
            operationId: `get${Title}DataGroups`, summary: `Groups of the data items of a ${type}, by ROS namespace`, tags,
            description: 'One group per namespace (the topic path without its last segment) and category; ?category= keeps one category.',
            params: Params, querystring: DataGroupQuery, response: { 200: DataGroupListSchema, ...ERR },
          },
        },
        async (request) => dataGroups(await listBody(request), (request.query as { category?: string }).category),
      );
    }
  };
}

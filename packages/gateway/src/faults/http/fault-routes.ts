// HTTP ↔ fault manager for /faults and /{entity}/faults (docs/faults.md). Routes translate only: scope,
// filters, views and clearing live in the domain and the faults service.
import { sendResult } from '@medkit/server';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { COLLECTIONS, ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE, TYPE_TO_SEGMENT, type EntityResolver } from '../../entity-scope/index.js';
import { clearEntityFault, clearFaults } from '@medkit/faults';
import { inEntityScope } from '@medkit/faults';
import type { FaultsService } from '../gateway/service.js';
import type { FaultListQuery } from '../gateway/views.js';
import { faultNotFound as notFound, severityParam, statusesParam } from './params.js';
import {
  FaultAcknowledgementSchema, FaultClearQuerySchema, FaultCode, FaultDetailSchema, FaultListItemSchema, FaultListQuerySchema, FaultListSchema, FaultSnapshotSchema,
  FaultSnapshotsQuerySchema, FaultSnapshotsSchema, GlobalFaultListQuerySchema, SovdFaultStatusSchema,
} from './schemas.js';
import type { FaultScope } from '../gateway/entity-scope.js';
import type { PeerFaultLookup, PeerFaultQuery } from '../gateway/peer-lookup.js';
import { adoptPeerDetail, adoptPeerSnapshots } from '../gateway/peer-faults.js';

const ERR = { 400: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 503: GenericError } as const;
const tags = ['faults'];

export interface FaultRouteDeps {
  service: FaultsService;
  resolver: EntityResolver;
  /** Peer gateways asked for robot-wide reads of a code this gateway does not hold (aggregation); undefined: none. */
  peers?: PeerFaultLookup;
}

function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').serializer((b: string) => b).send(text);
}

/**
 * A robot-wide read of a code this gateway does not hold: the first peer's document, else the 404 (naming the
 * peers that could not say). `path` is under the API base, query included.
 */
async function fromPeers(
  peers: PeerFaultLookup | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  path: string,
  adopt: PeerFaultQuery<object>['adopt'],
): Promise<FastifyReply> {
  if (!peers) throw notFound(code);
  const r = await peers.find({ path, caller: { clientId: request.client.id, headers: request.headers }, adopt });
  if (!r.found) throw notFound(code, undefined, r.failedPeers);
  return sendJsonText(reply, JSON.stringify(r.value));
}

/** Registers the fault schemas once (other route modules of the feature reference them). */
export function addFaultSchemas(app: HttpApp): void {
  app.addSchema(SovdFaultStatusSchema);
  app.addSchema(FaultAcknowledgementSchema);
  app.addSchema(FaultSnapshotSchema);
  app.addSchema(FaultListItemSchema);
  app.addSchema(FaultListSchema);
  app.addSchema(FaultDetailSchema);
  app.addSchema(FaultSnapshotsSchema);
}

/**
 * `GET …/faults/{fault_code}/snapshots`, global (`scoped` undefined) and entity-scoped alike: the reference's
 * snapshot document of a fault (in the entity's scope, docs/faults.md), `?topic=` narrowing it to one topic.
 */
function snapshotsHandler(svc: FaultsService, scoped?: (request: FastifyRequest) => { entity: { id: string }; scope: FaultScope }, peers?: PeerFaultLookup) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const code = (request.params as { fault_code: string }).fault_code;
    const raw = (request.query as { topic?: string }).topic;
    const topic = raw === undefined ? '' : raw.startsWith('/') ? raw : `/${raw}`;
    const s = scoped?.(request);
    const f = svc.manager.getFault(code);
    if (f && (!s || inEntityScope(f, s.scope.belongs))) return svc.views.snapshots(f, topic, s?.scope);
    if (s) throw notFound(code, s.entity.id);
    const query = raw === undefined ? '' : `?topic=${encodeURIComponent(raw)}`;
    return fromPeers(peers, request, reply, code, `/faults/${encodeURIComponent(code)}/snapshots${query}`, adoptPeerSnapshots(code));
  };
}

const snapshotsSummary = "[reference] The fault's newest freeze frame per topic and its newest recording";
/** How the robot-wide reads by code answer for faults peer gateways hold (docs/aggregation.md). */
const peerLookupDescription =
  ' With aggregation, a code this gateway does not hold is asked of the online peers in parallel (each within aggregation.timeout_ms, ' +
  'answers capped at 10 MB): the first peer document for the code is answered, its download links re-addressed to this gateway\'s entity ids ' +
  'and x-medkit.gateway naming the peer; otherwise 404, whose parameters.failed_peers lists the peers that were offline, did not answer ' +
  'in time or answered something else. A request carrying X-Medkit-No-Fan-Out is answered from this gateway only.';
const snapshotsDescription =
  'The snapshot document of the reference gateway: topics of the newest capture set ({message_type, data} each) and the newest recording. ' +
  '?topic= keeps one topic (none captured: topics is empty). The fault detail carries the same frames as SOVD environment_data.';

export function registerGlobalFaultRoutes(app: HttpApp, deps: FaultRouteDeps): void {
  const svc = deps.service;
  app.get(
    `${API_BASE}/faults`,
    {
      schema: {
        operationId: 'listFaults', summary: 'All faults of the local fault manager (default: pending + confirmed), newest first', tags,
        querystring: GlobalFaultListQuerySchema, response: { 200: Type.Ref(FaultListSchema), ...ERR },
      },
    },
    async (request, reply) => {
      const q = request.query as { status?: string; severity?: string; include_muted?: boolean; include_clusters?: boolean };
      const query: FaultListQuery = { statuses: statusesParam(q.status), minSeverity: severityParam(q.severity), includeMuted: q.include_muted, includeClusters: q.include_clusters };
      const key = `global|${q.status ?? ''}|${query.minSeverity ?? ''}|${Boolean(q.include_muted)}|${Boolean(q.include_clusters)}`;
      return sendJsonText(reply, svc.views.listText(key, query));
    },
  );

  app.delete(
    `${API_BASE}/faults`,
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'clearAllFaults', summary: '[x-medkit] Clear all matching faults of the local fault manager (peers are not touched)', tags,
        description: 'Faults one of whose reporting sources is locked (scope faults) by another client are skipped. Answers X-Medkit-Local-Only: true.',
        querystring: FaultClearQuerySchema, response: { 204: Type.Null(), ...ERR },
      },
    },
    async (request, reply) => {
      const statuses = statusesParam((request.query as { status?: string }).status);
      svc.clearAll(statuses, request.client);
      return reply.code(204).header('X-Medkit-Local-Only', 'true').send(null);
    },
  );

  app.get(
    `${API_BASE}/faults/:fault_code`,
    {
      schema: {
        operationId: 'getFault', summary: '[ours] One fault by code, whatever entities reported it', tags,
        description: 'The fault detail of the fault manager, download links under the entity of its first reporting source.' + peerLookupDescription,
        params: Type.Object({ fault_code: FaultCode }), response: { 200: Type.Ref(FaultDetailSchema), ...ERR },
      },
    },
    async (request, reply) => {
      const code = (request.params as { fault_code: string }).fault_code;
      const f = svc.manager.getFault(code);
      const detail = f && svc.views.detail(f);
      if (detail) return detail as never;
      return fromPeers(deps.peers, request, reply, code, `/faults/${encodeURIComponent(code)}`, adoptPeerDetail(code));
    },
  );

  app.get(
    `${API_BASE}/faults/:fault_code/snapshots`,
    {
      schema: {
        operationId: 'getFaultSnapshots', summary: snapshotsSummary, description: snapshotsDescription + peerLookupDescription, tags,
        params: Type.Object({ fault_code: FaultCode }), querystring: FaultSnapshotsQuerySchema, response: { 200: Type.Ref(FaultSnapshotsSchema), ...ERR },
      },
    },
    snapshotsHandler(svc, undefined, deps.peers),
  );

  app.delete(
    `${API_BASE}/faults/:fault_code`,
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'clearFault', summary: '[x-medkit] Clear one fault of the local fault manager, with the correlation cascade to its symptoms', tags,
        description:
          'Peers are not touched (like DELETE /faults): a fault a peer gateway holds answers 404 here; clear it through its entity ' +
          '(DELETE /{entity}/faults/{code} is forwarded to the owning peer) or on the peer. Answers X-Medkit-Local-Only: true.',
        params: Type.Object({ fault_code: FaultCode }), response: { 204: Type.Null(), ...ERR },
      },
    },
    async (request, reply) => {
      const code = (request.params as { fault_code: string }).fault_code;
      const f = svc.manager.getFault(code);
      if (!f) throw notFound(code);
      // Each entity the fault belongs to gets the lock check of a mutating route (409 when another client holds it).
      for (const e of svc.entitiesOfFault(f)) deps.resolver.resolve(TYPE_TO_SEGMENT[e.type], e.entity_id, { collection: 'faults', mutating: true, client: request.client });
      const out = svc.manager.clear(code, { by: svc.actor(request.client) });
      if (!out.success) throw notFound(code);
      return reply.code(204).header('X-Medkit-Local-Only', 'true').send(null);
    },
  );
}

export function registerEntityFaultRoutes(app: HttpApp, deps: FaultRouteDeps): void {
  const svc = deps.service;
  for (const segment of ENTITY_SEGMENTS) {
    if (!COLLECTIONS[SEGMENT_TO_TYPE[segment]].has('faults')) continue;
    const idParam = ID_PARAM[segment];
    const base = `${API_BASE}/${segment}/:${idParam}/faults`;
    const op = segment.charAt(0).toUpperCase() + segment.slice(1, -1);
    const Params = Type.Object({ [idParam]: EntityId('Entity id') });
    const ItemParams = Type.Object({ [idParam]: EntityId('Entity id'), fault_code: FaultCode });
    const reads = { entity: { segment, collection: 'faults' as const } };
    const writes = { entity: { segment, collection: 'faults' as const, mutating: true }, role: 'operator' as const };
    const scoped = (request: FastifyRequest) => ({ entity: request.entity.entity, scope: svc.scopeOf(request.entity.type, request.entity.entity) });

    app.get(
      base,
      {
        config: reads,
        schema: {
          operationId: `list${op}Faults`, summary: `Faults in the scope of the ${segment.slice(0, -1)} (every reporting source belongs to it)`, tags,
          params: Params, querystring: FaultListQuerySchema, response: { 200: Type.Ref(FaultListSchema), ...ERR },
        },
      },
      async (request, reply) => {
        const served = svc.providers.resourceFor(request.entity);
        if (served) return sendResult(reply, await served.list());
        const { type, entity } = request.entity;
        const q = request.query as { status?: string; severity?: string };
        const query: FaultListQuery = { statuses: statusesParam(q.status), minSeverity: severityParam(q.severity) };
        const key = `${segment}/${entity.id}|${q.status ?? ''}|${query.minSeverity ?? ''}`;
        return sendJsonText(reply, svc.views.listText(key, query, () => svc.scopeOf(type, entity)));
      },
    );

    app.delete(
      base,
      {
        config: writes,
        schema: {
          operationId: `clear${op}Faults`, summary: 'Clear every in-scope fault (no correlation cascade into other entities)', tags,
          params: Params, querystring: FaultClearQuerySchema, response: { 204: Type.Null(), ...ERR },
        },
      },
      async (request, reply) => {
        const served = svc.providers.resourceFor(request.entity);
        if (served) {
          await served.clearAll();
          return reply.code(204).send(null);
        }
        const { scope } = scoped(request);
        const statuses = statusesParam((request.query as { status?: string }).status);
        clearFaults(svc.manager, { statuses, belongsToEntity: scope.belongs });
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${base}/:fault_code`,
      {
        config: reads,
        schema: {
          operationId: `get${op}Fault`, summary: 'One fault with its environment data (freeze frames, rosbag recordings)', tags,
          params: ItemParams, response: { 200: Type.Ref(FaultDetailSchema), ...ERR },
        },
      },
      async (request, reply) => {
        const code = (request.params as { fault_code: string }).fault_code;
        const served = svc.providers.resourceFor(request.entity);
        if (served) return sendResult(reply, await served.get(code));
        const { entity, scope } = scoped(request);
        const f = svc.manager.getFault(code);
        const detail = f && inEntityScope(f, scope.belongs) ? svc.views.detail(f, scope) : undefined;
        if (!detail) throw notFound(code, entity.id);
        return detail as never;
      },
    );

    app.get(
      `${base}/:fault_code/snapshots`,
      {
        config: reads,
        schema: {
          operationId: `get${op}FaultSnapshots`, summary: snapshotsSummary, description: snapshotsDescription, tags,
          params: ItemParams, querystring: FaultSnapshotsQuerySchema, response: { 200: Type.Ref(FaultSnapshotsSchema), ...ERR },
        },
      },
      snapshotsHandler(svc, scoped),
    );

    app.delete(
      `${base}/:fault_code`,
      {
        config: writes,
        schema: {
          operationId: `clear${op}Fault`, summary: 'Clear one in-scope fault (no correlation cascade)', tags,
          params: ItemParams, response: { 204: Type.Null(), ...ERR },
        },
      },
      async (request, reply) => {
        const code = (request.params as { fault_code: string }).fault_code;
        const served = svc.providers.resourceFor(request.entity);
        if (served) {
          await served.clear(code);
          return reply.code(204).send(null);
        }
        const { entity, scope } = scoped(request);
        const out = clearEntityFault(svc.manager, code, scope.belongs);
        if (!out.found || !out.success) throw notFound(code, entity.id);
        return reply.code(204).send(null);
      },
    );
  }
}

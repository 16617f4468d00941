// HTTP ↔ fault manager for acknowledgements (docs/faults.md "Acknowledge"): `PUT …/faults/{code}/acknowledgement`,
// robot-wide and entity-scoped. Lock-checked like a clear (operator role); the manager keeps it in the history.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { API_BASE, EntityId, GenericError, type HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { acknowledgementView, inEntityScope, MAX_HISTORY_NOTE, type FaultRecord } from '@medkit/faults';
import { TYPE_TO_SEGMENT, type EntityResolver } from '../../entity-scope/index.js';
import { faultSegments } from './fault-segments.js';
import type { FaultsService } from '../gateway/service.js';
import { FaultCode } from './schemas.js';

const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 503: GenericError } as const;
/** Longest name an unauthenticated client may give. */
const MAX_GIVEN_NAME = 80;
const Body = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: MAX_HISTORY_NOTE, description: 'What the operator is doing about it (kept in the history)' })),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_GIVEN_NAME,
        description: 'Without a token (sign-in off): the name the person gives, recorded as "<name> (unauthenticated)". With a token it is ignored: the token subject is recorded',
      }),
    ),
  },
  { additionalProperties: false },
);
/**
 * Who acknowledged: the token subject; else a name the client gave, marked as nobody's proof of it; else the
 * client's X-Client-Id, else "anonymous".
 */
export function acknowledgedBy(client: FastifyRequest['client'], given: string | undefined, actor: string): string {
  const name = given?.trim();
  if (client.subject || !name) return actor;
  return `${name} (unauthenticated)`;
}
const description =
  'Says "I have this one": who (the token subject with sign-in on; without a token the name given in the body, kept as "<name> (unauthenticated)", ' +
  'else X-Client-Id, else "anonymous"), when and a note are kept in ' +
  'the fault\'s status history (x-medkit.status_history) and shown as x-medkit.acknowledgement on the fault and its list item until ' +
  'the occurrence ends (the fault heals and comes back, or is cleared and comes back). Published as a fault_updated event. A cleared ' +
  'fault answers 409; a fault a peer gateway holds is acknowledged on that gateway (entity routes are forwarded to it).';

export function registerAcknowledgeRoutes(app: HttpApp, deps: { service: FaultsService; resolver: EntityResolver }): void {
  const svc = deps.service;
  const acknowledge = (request: FastifyRequest, f: FaultRecord, entityId?: string) => {
    const body = request.body as { note?: string; name?: string } | undefined;
    const out = svc.manager.acknowledge(f.fault_code, acknowledgedBy(request.client, body?.name, svc.actor(request.client)), body?.note ?? '');
    if ('refused' in out) {
      if (out.refused === 'not-found') throw new SovdError('resource-not-found', `Fault not found: ${f.fault_code}`, { fault_code: f.fault_code, ...(entityId ? { entity_id: entityId } : {}) });
      throw new SovdError('precondition-not-fulfilled', `Fault ${f.fault_code} is cleared: there is nothing to acknowledge`, { fault_code: f.fault_code, status: 'CLEARED' });
    }
    return acknowledgementView(out.acknowledgement);
  };

  app.put(
    `${API_BASE}/faults/:fault_code/acknowledgement`,
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'acknowledgeFault', summary: '[x-medkit] Acknowledge a fault of the local fault manager', description, tags: ['faults'],
        params: Type.Object({ fault_code: FaultCode }), body: Body, response: { 200: Type.Ref('FaultAcknowledgement'), ...ERR },
      },
    },
    async (request) => {
      const code = (request.params as { fault_code: string }).fault_code;
      const f = svc.manager.getFault(code);
      if (!f) throw new SovdError('resource-not-found', `Fault not found: ${code}`, { fault_code: code });
      // Each entity the fault belongs to gets the lock check of a mutating route (409 when another client holds it).
      for (const e of svc.entitiesOfFault(f)) deps.resolver.resolve(TYPE_TO_SEGMENT[e.type], e.entity_id, { collection: 'faults', mutating: true, client: request.client });
      return acknowledge(request, f) as never;
    },
  );

  for (const { segment, idParam, op } of faultSegments()) {
    app.put(
      `${API_BASE}/${segment}/:${idParam}/faults/:fault_code/acknowledgement`,
      {
        config: { entity: { segment, collection: 'faults' as const, mutating: true }, role: 'operator' as const },
        schema: {
          operationId: `acknowledge${op}Fault`, summary: `[x-medkit] Acknowledge an in-scope fault of the ${segment.slice(0, -1)}`, description, tags: ['faults'],
          params: Type.Object({ [idParam]: EntityId('Entity id'), fault_code: FaultCode }), body: Body, response: { 200: Type.Ref('FaultAcknowledgement'), ...ERR },
        },
      },
      async (request) => {
        const code = (request.params as { fault_code: string }).fault_code;
        const { type, entity } = request.entity;
        const f = svc.manager.getFault(code);
        if (!f || !inEntityScope(f, svc.scopeOf(type, entity).belongs)) throw new SovdError('resource-not-found', `Fault not found: ${code}`, { fault_code: code, entity_id: entity.id });
        return acknowledge(request, f, entity.id) as never;
      },
    );
  }
}

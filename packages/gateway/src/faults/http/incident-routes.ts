// HTTP ↔ incident export (docs/faults.md "Incident export"): `GET …/faults/{code}/incident` answers one MCAP file,
// written to a temporary file first (a recording may be tens of MB) and removed once sent.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, EntityId, GenericError, type HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { inEntityScope, writeIncidentMcap, type FaultRecord } from '@medkit/faults';
import { faultSegments } from './fault-segments.js';
import type { LogManager } from '../../logs/manager.js';
import type { FaultsService } from '../gateway/service.js';
import { incidentOf, type PeerFaultReader } from '../incident/incident-content.js';
import type { PeerFaultLookup } from '../gateway/peer-lookup.js';
import { adoptPeerDetail } from '../gateway/peer-faults.js';
import { FaultCode } from './schemas.js';
import { faultNotFound as notFound } from './params.js';
import { disposition } from './bulk-data-routes.js';

const ERR = { 400: GenericError, 404: GenericError, 503: GenericError } as const;
const File = Type.String({ format: 'binary', description: 'An MCAP file (application/x-mcap)' });
const description =
  'One MCAP file to hand on: the messages of the fault\'s newest black-box recording; as attachments faults.json (the fault, the ' +
  'faults its recording covers and its correlated symptoms, each with its detail: status history, freeze frames), ' +
  'freeze_frames.json, logs.json (the log lines of the recording\'s window from the faults\' nodes) and gateway.json; a ' +
  'medkit_incident metadata record (fault_code, root_cause, fault_codes, recording_id, window, medkit version, host). Opens in ' +
  'Foxglove and in medkit\'s incident view (Open file). A fault without a recording still answers, without messages.';

/** The global route answers for every fault `GET /faults/{code}` answers (docs/aggregation.md), a peer's included. */
const peerDescription =
  ' With aggregation, a code this gateway does not hold is exported by the peer that answers GET /faults/{code} for it (found the ' +
  'same way: online peers in parallel, each within aggregation.timeout_ms), the request forwarded there as an entity request is ' +
  '(aggregation.forward_timeout_ms, 10 MB; 504/502 when that peer fails); otherwise 404 with parameters.failed_peers.';

export interface IncidentDeps {
  service: FaultsService;
  logs: () => LogManager | undefined;
  /** With aggregation: reads a root cause a peer holds, on behalf of the caller (as `GET /faults/{code}` does). */
  peers?: PeerFaultLookup;
}

/** The peer fault reader of one request, or undefined without aggregation. */
function peerReader(peers: PeerFaultLookup | undefined, request: FastifyRequest): PeerFaultReader | undefined {
  if (!peers) return undefined;
  const caller = { clientId: request.client.id, headers: request.headers };
  return (code) => peers.find({ path: `/faults/${encodeURIComponent(code)}`, caller, adopt: adoptPeerDetail(code) });
}

async function sendIncident(reply: FastifyReply, svc: FaultsService, f: FaultRecord, logs: LogManager | undefined, readPeerFault?: PeerFaultReader): Promise<FastifyReply> {
  const incident = await incidentOf(svc, f, logs, BigInt(Date.now()) * 1_000_000n, readPeerFault);
  const dir = await mkdtemp(join(tmpdir(), 'medkit-incident-'));
  const path = join(dir, 'incident.mcap');
  const cleanup = () => void rm(dir, { recursive: true, force: true });
  try {
    await writeIncidentMcap(path, incident.content);
  } catch (err) {
    cleanup();
    throw new SovdError('service-unavailable', `Cannot write the incident file: ${(err as Error).message}`, { fault_code: f.fault_code });
  }
  const size = (await stat(path)).size;
  const stream = createReadStream(path);
  stream.on('close', cleanup);
  return reply
    .header('Content-Type', 'application/x-mcap')
    .header('Content-Length', size)
    .header('Content-Disposition', disposition(incident.filename))
    .header('Access-Control-Expose-Headers', 'Content-Disposition')
    .send(stream);
}

/**
 * A code this gateway does not hold: the peer that answers `GET /faults/{code}` for it (found as that route finds it)
 * exports it, the request forwarded there; otherwise the detail route's 404, naming the peers that could not say.
 */
async function fromHoldingPeer(peers: PeerFaultLookup | undefined, request: FastifyRequest, reply: FastifyReply, code: string): Promise<FastifyReply> {
  const read = peerReader(peers, request);
  if (!peers || !read) throw notFound(code);
  const holder = await read(code);
  if (!holder.found) throw notFound(code, undefined, holder.failedPeers);
  const answer = await peers.forward(holder.peer, `/faults/${encodeURIComponent(code)}/incident`, { request: request.raw, response: reply.raw, clientId: request.client.id });
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

export function registerIncidentRoutes(app: HttpApp, deps: IncidentDeps): void {
  const svc = deps.service;
  app.get(
    `${API_BASE}/faults/:fault_code/incident`,
    {
      schema: {
        operationId: 'exportFaultIncident', summary: '[x-medkit] The fault\'s incident as one MCAP file (recording, faults, histories, freeze frames, log lines)', description: description + peerDescription, tags: ['faults'],
        params: Type.Object({ fault_code: FaultCode }), response: { 200: File, ...ERR, 502: GenericError, 504: GenericError },
      },
    },
    async (request, reply) => {
      const code = (request.params as { fault_code: string }).fault_code;
      const f = svc.manager.getFault(code);
      if (f) return sendIncident(reply, svc, f, deps.logs(), peerReader(deps.peers, request));
      return fromHoldingPeer(deps.peers, request, reply, code);
    },
  );
  for (const { segment, idParam, op } of faultSegments()) {
    app.get(
      `${API_BASE}/${segment}/:${idParam}/faults/:fault_code/incident`,
      {
        config: { entity: { segment, collection: 'faults' as const } },
        schema: {
          operationId: `export${op}FaultIncident`, summary: `[x-medkit] An in-scope fault's incident as one MCAP file`, description, tags: ['faults'],
          params: Type.Object({ [idParam]: EntityId('Entity id'), fault_code: FaultCode }), response: { 200: File, ...ERR },
        },
      },
      async (request, reply) => {
        const code = (request.params as { fault_code: string }).fault_code;
        const { type, entity } = request.entity;
        const f = svc.manager.getFault(code);
        if (!f || !inEntityScope(f, svc.scopeOf(type, entity).belongs)) throw notFound(code, entity.id);
        return sendIncident(reply, svc, f, deps.logs(), peerReader(deps.peers, request));
      },
    );
  }
}

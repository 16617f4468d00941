// `GET /{entity}/faults/{code}/recording` [ours] (docs/faults.md "Black box"): the fault's newest recording, asked by
// the fault alone. A client that has not read the fault yet (the web UI opening an incident) can start the download
// at once; the answer names the recording it served (Content-Location), and a fault without one is 204, not an error.
import { Type } from '@sinclair/typebox';
import { API_BASE, EntityId, GenericError, type HttpApp } from '@medkit/server';
import { inEntityScope, resolveRosbagFile } from '@medkit/faults';
import type { FaultsService } from '../gateway/service.js';
import { BinaryFile, sendRecording } from './bulk-data-routes.js';
import { faultSegments } from './fault-segments.js';
import { faultNotFound } from './params.js';
import { FaultCode } from './schemas.js';

const description =
  'The fault\'s newest black-box recording, as its bulk-data download serves it (ranges included), with Content-Location naming ' +
  'that download (…/bulk-data/rosbags/{recording_id}). 204 when the fault has no recording (none was made, or retention ' +
  'removed it); 404 when the fault is unknown or out of the entity\'s scope.';

export function registerRecordingRoutes(app: HttpApp, deps: { service: FaultsService }): void {
  const svc = deps.service;
  for (const { segment, idParam, op } of faultSegments()) {
    app.get(
      `${API_BASE}/${segment}/:${idParam}/faults/:fault_code/recording`,
      {
        config: { entity: { segment, collection: 'faults' as const } },
        schema: {
          operationId: `download${op}FaultRecording`, summary: '[x-medkit] The in-scope fault\'s newest recording (204 without one)', description, tags: ['faults'],
          params: Type.Object({ [idParam]: EntityId('Entity id'), fault_code: FaultCode }), produces: ['application/octet-stream', 'application/x-mcap'],
          response: { 200: BinaryFile, 204: Type.Null(), 400: GenericError, 404: GenericError },
        },
      },
      async (request, reply) => {
        const code = (request.params as { fault_code: string }).fault_code;
        const { type, entity } = request.entity;
        const { belongs } = svc.scopeOf(type, entity);
        const f = svc.manager.getFault(code);
        if (!f || !inEntityScope(f, belongs)) throw faultNotFound(code, entity.id);
        const file = resolveRosbagFile(svc.system.repository, code, belongs);
        if (!file) return reply.code(204).send(null);
        const path = request.url.split('?')[0];
        return sendRecording(request, reply, file, `${path.slice(0, path.lastIndexOf('/faults/'))}/bulk-data/rosbags`);
      },
    );
  }
}

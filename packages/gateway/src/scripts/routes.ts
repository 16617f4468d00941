// HTTP ↔ scripts service (docs/scripts.md): uploads (multipart, size-limited), listing, deletion,
// executions and their control, plus the [ours] audit routes. Every handler answers 501 first when
// the feature is off, then follows the entity validation order of docs/api.md (lock check on mutations).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { Verbatim } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ID_PARAM, type EntitySegment } from '../entity-scope/index.js';
import type { GatewayContext } from '../feature.js';
import type { AuditAction } from '@medkit/scripts';
import type { Actor, EntityRef } from '@medkit/scripts';
import {
  AuditList,
  AuditQuerySchema,
  AuditRecordSchema,
  ControlBody,
  ExecutionIdParam,
  GlobalAuditQuerySchema,
  SCRIPT_ERRORS,
  ScriptExecutionSchema,
  ScriptIdParam,
  ScriptList,
  ScriptMetadata,
  ScriptUploadForm,
  StartBody,
  UploadResult,
} from './schemas.js';
import type { ScriptsService } from '@medkit/scripts';
import { routeAvailability } from '@medkit/server';
import { sendResult } from '@medkit/server';
import { readMultipartUpload, withMultipart } from '@medkit/server';
import type { ProviderChain } from '../entities/provider-chain.js';
import type { ScriptProvider } from './providers.js';
import { scriptView } from './script-view.js';

const SEGMENTS = ['apps', 'components'] as const satisfies readonly EntitySegment[];
const TITLE = { apps: 'App', components: 'Component' } as const;

/** Who the audit records: with auth on, the token's subject and role (the client id is then the subject too). */
function actorOf(request: FastifyRequest): Actor {
  const { id: raw, subject, role } = request.client;
  const clientId = raw !== undefined && raw.length <= 256 ? raw : null;
  return { clientId, subject: subject ?? null, role: role ?? null, remoteIp: request.ip ?? null };
}

function tooLarge(svc: ScriptsService): SovdError {
  const mb = svc.settings.maxFileBytes / (1024 * 1024);
  return new SovdError('x-medkit-script-too-large', `Script file is larger than ${mb} MiB`, { max_file_size_mb: mb });
}

/**
 * `backends`: the other script backends (scripts/providers.ts): when one serves the entity, the request goes to
 * it instead of the built-in service (the feature must still be enabled, docs/scripts.md).
 */
export function scriptsRoutes(ctx: GatewayContext, getService: () => ScriptsService | undefined, maxFileBytes: number, backends?: ProviderChain<ScriptProvider>) {
  const disabled = 'Scripts are not available (set scripts.scripts_dir to enable them)';
  // The routes are stand-ins answering 501 (in the request pipeline) when the service is absent.
  const svc = (): ScriptsService => {
    const s = getService();
    if (!s) throw new SovdError('not-implemented', disabled);
    return s;
  };

  return async (app: HttpApp): Promise<void> => {
    const available = routeAvailability(getService() !== undefined, disabled);
    app.addSchema(ScriptMetadata);
    app.addSchema(ScriptExecutionSchema);
    app.addSchema(AuditRecordSchema);
    const ExecutionRef = Type.Ref(ScriptExecutionSchema);

    for (const segment of SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const title = TITLE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/scripts`;
      const Params = Type.Object({ [idParam]: EntityId(`${title} id`) });
      const ScriptParams = Type.Object({ [idParam]: EntityId(`${title} id`), script_id: ScriptIdParam });
      const ExecParams = Type.Object({ [idParam]: EntityId(`${title} id`), script_id: ScriptIdParam, execution_id: ExecutionIdParam });
      const tags = ['scripts'];
      const op = (verb: string) => `${verb}${title}`;
      const ref = (params: Record<string, string>): EntityRef => ({ segment, id: params[idParam] });
      const read = { ...available, entity: { segment, collection: 'scripts' as const } };
      const write = { ...available, entity: { segment, collection: 'scripts' as const, mutating: true } };
      const entityOf = (request: FastifyRequest) => ref(request.params as Record<string, string>);

      // preservePath: see the client's file name as sent, so a path in it can be refused instead of silently cut.
      await withMultipart(app, { preservePath: true, limits: { fileSize: maxFileBytes, files: 4, fields: 8, fieldSize: 256 * 1024, parts: 12 } }, (scope) => {
        scope.post(
          base,
          {
            config: { ...write, role: 'configurator' as const },
            schema: {
              operationId: op('uploadScript'),
              summary: `Upload a diagnostic script to a ${title} (multipart: file, metadata)`,
              description:
                'multipart/form-data with `file` (required) and `metadata` (JSON text: id, name, description, parameters_schema, timeout_sec, format, args, env). The script id is metadata `id`, else the file stem (`check_lidar_health.sh` → `check_lidar_health`); taken → 409 x-medkit-script-already-exists.',
              tags,
              consumes: ['multipart/form-data'],
              multipartForm: ScriptUploadForm,
              params: Params,
              response: { 201: UploadResult, ...SCRIPT_ERRORS, 413: GenericError },
            },
          },
          async (request, reply) => {
            const s = svc();
            const r = entityOf(request);
            if (backends?.resourceFor(request.entity)) throw new SovdError('not-implemented', 'Scripts of this entity are served by a plugin backend, which does not take uploads', { entity_id: r.id });
            s.assertUploadsAllowed();
            const { file, fields } = await readMultipartUpload(request, { incomingPath: () => join(s.store.incomingDir(), randomUUID()), fields: ['metadata'], tooLarge: () => tooLarge(s) });
            const def = s.upload(r, file, fields.metadata, actorOf(request));
            reply.status(201).header('Location', `${API_BASE}/${segment}/${r.id}/scripts/${def.id}`);
            return { id: def.id, name: def.name };
          },
        );
      });

      app.get(
        base,
        { config: read, schema: { operationId: op('listScripts'), summary: `List the scripts of a ${title}`, tags, params: Params, response: { 200: ScriptList, ...SCRIPT_ERRORS } } },
        async (request, reply) => {
          const served = backends?.resourceFor(request.entity);
          if (served) return sendResult(reply, await served.list());
          const s = svc();
          const r = entityOf(request);
          return {
            items: s.list(r).map((d) => scriptView(r, d, s.settings.defaultTimeoutSec)),
            _links: { self: `${API_BASE}/${segment}/${r.id}/scripts`, parent: `${API_BASE}/${segment}/${r.id}` },
          };
        },
      );

      app.get(
        `${API_BASE}/${segment}/:${idParam}/x-medkit-script-audit`,
        {
          config: read,
          schema: {
            operationId: op('getScriptAudit'),
            summary: `[x-medkit] Audit trail of script activity on a ${title}, newest first`,
            tags,
            params: Params,
            querystring: AuditQuerySchema,
            response: { 200: AuditList, ...SCRIPT_ERRORS },
          },
        },
        async (request) => {
          const s = svc();
          const r = entityOf(request);
          const q = request.query as Record<string, unknown>;
          checkSince(q.since);
          return { items: s.audit.query({ ...q, entity_id: r.id }) };
        },
      );

      app.get(
        `${base}/:script_id`,
        { config: read, schema: { operationId: op('getScript'), summary: `Get one script of a ${title}`, tags, params: ScriptParams, response: { 200: Type.Ref(ScriptMetadata), ...SCRIPT_ERRORS } } },
        async (request, reply) => {
          const scriptId = (request.params as Record<string, string>).script_id;
          const served = backends?.resourceFor(request.entity);
          if (served) return sendResult(reply, await served.get(scriptId));
          const s = svc();
          const r = entityOf(request);
          return scriptView(r, s.get(r, scriptId), s.settings.defaultTimeoutSec);
        },
      );

      app.delete(
        `${base}/:script_id`,
        { config: { ...write, role: 'configurator' as const }, schema: { operationId: op('deleteScript'), summary: `Delete an uploaded script of a ${title}`, tags, params: ScriptParams, response: { 204: Type.Null(), ...SCRIPT_ERRORS } } },
        async (request, reply) => {
          const scriptId = (request.params as Record<string, string>).script_id;
          const served = backends?.resourceFor(request.entity);
          if (served) await served.remove(scriptId);
          else svc().remove(entityOf(request), scriptId, actorOf(request));
          reply.status(204).send(null);
        },
      );

      app.post(
        `${base}/:script_id/executions`,
        {
          config: { ...write, role: 'operator' as const },
          schema: {
            operationId: op('startScriptExecution'),
            summary: `Run a script on a ${title} (202 + Location of the execution)`,
            tags,
            params: ScriptParams,
            body: StartBody,
            response: { 202: ExecutionRef, ...SCRIPT_ERRORS, 429: GenericError },
          },
        },
        async (request, reply) => {
          const r = entityOf(request);
          const scriptId = (request.params as Record<string, string>).script_id;
          const served = backends?.resourceFor(request.entity);
          if (served) {
            const body = request.body as { execution_type: string; parameters?: unknown };
            const view = await served.start(scriptId, body);
            const id = (view as { id?: unknown } | null)?.id;
            if (typeof id === 'string') reply.header('Location', `${API_BASE}/${segment}/${r.id}/scripts/${scriptId}/executions/${encodeURIComponent(id)}`);
            return sendResult(reply, new Verbatim(view), 202);
          }
          const view = svc().start(r, scriptId, request.body as never, actorOf(request));
          reply.status(202).header('Location', `${API_BASE}/${segment}/${r.id}/scripts/${scriptId}/executions/${view.id}`);
          return view;
        },
      );

      const execPath = `${base}/:script_id/executions/:execution_id`;
      app.get(
        execPath,
        { config: read, schema: { operationId: op('getScriptExecution'), summary: `Status, progress and result of a script execution on a ${title}`, tags, params: ExecParams, response: { 200: ExecutionRef, ...SCRIPT_ERRORS } } },
        async (request, reply) => {
          const p = request.params as Record<string, string>;
          const served = backends?.resourceFor(request.entity);
          if (served) return sendResult(reply, await served.execution(p.script_id, p.execution_id));
          return svc().execution(entityOf(request), p.script_id, p.execution_id);
        },
      );

      app.put(
        execPath,
        {
          config: { ...write, role: 'operator' as const },
          schema: {
            operationId: op('controlScriptExecution'),
            summary: `Stop (SIGTERM, then SIGKILL after scripts.kill_grace_sec) or kill (SIGKILL) a running script execution on a ${title}`,
            tags,
            params: ExecParams,
            body: ControlBody,
            response: { 200: ExecutionRef, ...SCRIPT_ERRORS },
          },
        },
        async (request, reply) => {
          const p = request.params as Record<string, string>;
          const action = (request.body as { action: 'stop' | 'forced_termination' }).action;
          const served = backends?.resourceFor(request.entity);
          if (served) return sendResult(reply, await served.control(p.script_id, p.execution_id, action));
          return svc().control(entityOf(request), p.script_id, p.execution_id, action, actorOf(request));
        },
      );

      app.delete(
        execPath,
        { config: { ...write, role: 'operator' as const }, schema: { operationId: op('deleteScriptExecution'), summary: `Remove a finished script execution record on a ${title}`, tags, params: ExecParams, response: { 204: Type.Null(), ...SCRIPT_ERRORS } } },
        async (request, reply) => {
          const p = request.params as Record<string, string>;
          const served = backends?.resourceFor(request.entity);
          if (served) await served.removeExecution(p.script_id, p.execution_id);
          else svc().removeExecution(entityOf(request), p.script_id, p.execution_id, actorOf(request));
          reply.status(204).send(null);
        },
      );
    }

    app.get(
      `${API_BASE}/x-medkit-script-audit`,
      {
        config: available,
        schema: {
          operationId: 'getScriptAudit',
          summary: '[x-medkit] Audit trail of script activity on every entity, newest first',
          tags: ['scripts'],
          querystring: GlobalAuditQuerySchema,
          response: { 200: AuditList, 400: GenericError, 501: GenericError },
        },
      },
      async (request) => {
        const s = svc();
        const q = request.query as Record<string, unknown>;
        checkSince(q.since);
        return { items: s.audit.query(q as { action?: AuditAction }) };
      },
    );
  };
}

function checkSince(since: unknown): void {
  if (since !== undefined && Number.isNaN(Date.parse(String(since)))) {
    throw new SovdError('invalid-parameter', 'since must be an ISO 8601 timestamp', { parameter: 'since', value: since });
  }
}

// HTTP ↔ OperationsService for /{entity}/operations (docs/resources.md). Operation ids may be ROS paths that
// span segments: the documented routes take one segment, and a `operations/*` route per method takes
// the rest, trying `.../executions/{id}` and `.../executions` before the operation itself. A POST to the
// operation itself executes it like `…/executions` (the reference's clients do that).
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SEGMENT_TITLE } from '../entity-scope/index.js';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE } from '../entity-scope/index.js';
import { sendResult } from '@medkit/server';
import { clientGone } from '../ros/client-gone.js';
import { INTERFACE_TYPE_PATTERN, type ExecuteBody, type OperationsService } from './service.js';
import { AsyncStartedSchema, ExecutionListSchema, ExecutionSchema, OperationItemSchema, OperationListSchema, SyncResultSchema } from './rest-shape.js';

const ExecuteRequest = Type.Object(
  {
    parameters: Type.Optional(Type.Unknown({ description: 'Service request or action goal (preferred)' })),
    request: Type.Optional(Type.Unknown({ description: 'Service request' })),
    goal: Type.Optional(Type.Unknown({ description: 'Action goal' })),
    type: Type.Optional(Type.String({ description: 'Override the ROS interface type (pkg/srv/Name or pkg/action/Name)', minLength: 1, maxLength: 256, pattern: INTERFACE_TYPE_PATTERN })),
  },
  { examples: [{ parameters: { a: 2, b: 3 } }] },
);
const ControlBody = Type.Object({ capability: Type.Optional(Type.String({ description: 'stop | execute | freeze | reset' })) }, { examples: [{ capability: 'stop' }] });

// 403 x-medkit-ros2-permission-denied and 501 not-implemented: a service or action the gateway's SROS2 permissions deny, or that needs a protection medkit lacks.
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 501: GenericError, 503: GenericError, 504: GenericError } as const;

interface OperationRouteDeps {
  service: () => OperationsService;
}

type Target = { op: string; exec?: string; executions: boolean };

/** Splits the wildcard tail: `<op>/executions/<id>`, `<op>/executions` or `<op>`. */
export function splitOperationPath(rest: string): Target {
  const item = /^(.+)\/executions\/([^/]+)\/?$/.exec(rest);
  if (item) return { op: item[1], exec: item[2], executions: true };
  const list = /^(.+)\/executions\/?$/.exec(rest);
  if (list) return { op: list[1], executions: true };
  return { op: rest.replace(/\/$/, ''), executions: false };
}

export function registerOperationRoutes(deps: OperationRouteDeps) {
  // The operations of an entity another provider serves (the service's chain); undefined: ROS serves them.
  const servedOf = (request: FastifyRequest) => deps.service().providers.resourceFor(request.entity);
  return (app: HttpApp): void => {
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const type = SEGMENT_TO_TYPE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/operations`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const OpParams = Type.Object({ [idParam]: EntityId(`${Title} id`), operation_id: Type.String({ description: 'Operation id' }) });
      const ExecParams = Type.Object({ [idParam]: EntityId(`${Title} id`), operation_id: Type.String(), execution_id: Type.String({ description: 'Goal id (32 hex)' }) });
      const WildParams = Type.Object({ [idParam]: EntityId(`${Title} id`), '*': Type.String() });
      const tags = ['operations'];
      const reads = { entity: { segment, collection: 'operations' as const } };
      const writes = { entity: { segment, collection: 'operations' as const, mutating: true }, role: 'operator' as const };
      const target = (request: FastifyRequest): Target => {
        const p = request.params as Record<string, string>;
        if (p['*'] !== undefined) return splitOperationPath(p['*']);
        return { op: p.operation_id, exec: p.execution_id, executions: p.execution_id !== undefined || request.url.split('?')[0].replace(/\/$/, '').endsWith('/executions') };
      };
      const path = (request: FastifyRequest) => request.url.split('?')[0].replace(/\/$/, '');
      // Executions live under `…/executions` whichever of the two POST routes started them.
      const executionsPath = (request: FastifyRequest) => (target(request).executions ? path(request) : `${path(request)}/executions`);

      const getOp = async (request: FastifyRequest, reply: FastifyReply) => {
        const served = servedOf(request);
        return served ? sendResult(reply, await served.get(target(request).op)) : deps.service().get(request.entity, target(request).op);
      };
      const listExecs = async (request: FastifyRequest) => deps.service().listExecutions(request.entity, target(request).op);
      const getExec = async (request: FastifyRequest) => {
        const t = target(request);
        return deps.service().getExecution(request.entity, t.op, t.exec!);
      };
      const execute = async (request: FastifyRequest, reply: FastifyReply) => {
        const served = servedOf(request);
        if (served) return sendResult(reply, await served.execute(target(request).op, (request.body as { parameters?: unknown } | undefined)?.parameters ?? {}));
        const out = await deps.service().execute(request.entity, target(request).op, (request.body ?? {}) as ExecuteBody, clientGone(reply.raw));
        if (out.kind === 'sync') return reply.code(200).send(out.body);
        reply.header('Location', `${executionsPath(request)}/${out.id}`);
        return reply.code(202).send(out.body);
      };
      const control = async (request: FastifyRequest, reply: FastifyReply) => {
        const t = target(request);
        const body = await deps.service().control(request.entity, t.op, t.exec!, (request.body as { capability?: unknown } | undefined)?.capability, clientGone(reply.raw));
        reply.header('Location', path(request));
        return reply.code(202).send(body);
      };
      const cancel = async (request: FastifyRequest, reply: FastifyReply) => {
        const t = target(request);
        await deps.service().cancel(request.entity, t.op, t.exec!, clientGone(reply.raw));
        return reply.code(204).send(null);
      };

      app.get(
        base,
        { config: reads, schema: { operationId: `list${Title}Operations`, summary: `Services and actions of a ${type}`, tags, params: Params, response: { 200: OperationListSchema, ...ERR } } },
        async (request, reply) => {
          const served = servedOf(request);
          return served ? sendResult(reply, await served.list()) : deps.service().list(request.entity);
        },
      );
      app.get(`${base}/:operation_id`, { config: reads, schema: { operationId: `get${Title}Operation`, summary: 'One operation', tags, params: OpParams, response: { 200: Type.Object({ item: OperationItemSchema }), ...ERR } } }, getOp);
      app.post(
        `${base}/:operation_id/executions`,
        { config: writes, schema: { operationId: `execute${Title}Operation`, summary: 'Run a service (200) or start an action goal (202 + Location)', tags, params: OpParams, body: ExecuteRequest, response: { 200: SyncResultSchema, 202: AsyncStartedSchema, ...ERR } } },
        execute,
      );
      // The reference's Postman collection posts to the operation itself: the same execution, same answers.
      app.post(
        `${base}/:operation_id`,
        {
          config: writes,
          schema: {
            operationId: `invoke${Title}Operation`, summary: '[reference] Same as POST …/executions: run a service (200) or start an action goal (202 + Location)', tags,
            description: 'Kept for clients of the reference gateway. The Location of a started goal is its …/executions/{execution_id} resource.',
            params: OpParams, body: ExecuteRequest, response: { 200: SyncResultSchema, 202: AsyncStartedSchema, ...ERR },
          },
        },
        execute,
      );
      app.get(`${base}/:operation_id/executions`, { config: reads, schema: { operationId: `list${Title}Executions`, summary: 'Tracked goals, newest first', tags, params: OpParams, response: { 200: ExecutionListSchema, ...ERR } } }, listExecs);
      app.get(`${base}/:operation_id/executions/:execution_id`, { config: reads, schema: { operationId: `get${Title}Execution`, summary: 'Status, latest feedback and (finished) result of a goal', tags, params: ExecParams, response: { 200: ExecutionSchema, ...ERR } } }, getExec);
      app.put(
        `${base}/:operation_id/executions/:execution_id`,
        { config: writes, schema: { operationId: `control${Title}Execution`, summary: 'Control a goal (stop = cancel)', tags, params: ExecParams, body: ControlBody, response: { 202: ExecutionSchema, ...ERR } } },
        control,
      );
      app.delete(`${base}/:operation_id/executions/:execution_id`, { config: writes, schema: { operationId: `cancel${Title}Execution`, summary: 'Cancel a goal', tags, params: ExecParams, response: { 204: Type.Null(), ...ERR } } }, cancel);

      // Multi-segment operation ids (ROS paths).
      const hidden = (op: string, config: typeof reads | typeof writes, extra: Record<string, unknown> = {}) => ({ config, schema: { operationId: `${op}${Title}OperationPath`, hide: true, params: WildParams, ...extra } });
      app.get(`${base}/*`, hidden('get', reads), async (request, reply) => {
        const t = target(request);
        if (t.exec) return getExec(request);
        if (t.executions) return listExecs(request);
        return getOp(request, reply);
      });
      app.post(`${base}/*`, hidden('execute', writes, { body: ExecuteRequest }), async (request, reply) => {
        const t = target(request);
        if (t.exec) throw new SovdError('resource-not-found', 'Resource not found', { status: 404 });
        return execute(request, reply);
      });
      app.put(`${base}/*`, hidden('control', writes, { body: ControlBody }), async (request, reply) => {
        if (!target(request).exec) throw new SovdError('resource-not-found', 'Resource not found', { status: 404 });
        return control(request, reply);
      });
      app.delete(`${base}/*`, hidden('cancel', writes), async (request, reply) => {
        if (!target(request).exec) throw new SovdError('resource-not-found', 'Resource not found', { status: 404 });
        return cancel(request, reply);
      });
    }
  };
}

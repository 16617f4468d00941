// HTTP ↔ update manager (docs/updates.md). All routes answer 501 when no provider is active.
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { Collection, EntityId, GenericError, Opaque } from '@medkit/server';
import type { UpdateManager } from './manager.js';
import { ORIGINS } from './model.js';
import { UpdateStatusSchema } from './rest-shape.js';
import { routeAvailability } from '@medkit/server';

const UpdateMetadata = Opaque('Package metadata as registered');
const Params = Type.Object({ update_id: EntityId('Update package id') });
const ERRORS = { 400: GenericError, 404: GenericError, 409: GenericError, 501: GenericError } as const;
const tags = ['updates'];
const RegisterBody = Type.Object(
  {
    id: Type.String({ description: 'Package id (entity-id rules)' }),
    update_name: Type.Optional(Type.String()),
    automated: Type.Optional(Type.Boolean()),
    origins: Type.Optional(Type.Array(Type.String({ enum: [...ORIGINS] }))),
    duration: Type.Optional(Type.Number({ description: 'Expected duration in seconds (≥ 0)' })),
    size: Type.Optional(Type.Integer({ description: 'Bytes (≥ 0)' })),
    updated_components: Type.Optional(Type.Array(Type.String())),
    affected_components: Type.Optional(Type.Array(Type.String())),
    target_version: Type.Optional(Type.String()),
    // Not Opaque(): request schemas are compiled by ajv in strict mode, which refuses the vendor marker.
    'x-medkit': Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'Built-in script provider: {prepare?: {path | script_id, parameters?, timeout_sec?, format?}, execute: {...}}' }),
    ),
  },
  {
    additionalProperties: true,
    examples: [
      {
        id: 'nav-stack-1.4.2',
        update_name: 'Navigation stack 1.4.2',
        automated: true,
        origins: ['remote'],
        target_version: '1.4.2',
        'x-medkit': { prepare: { path: 'nav-1.4.2/prepare.sh' }, execute: { path: 'nav-1.4.2/install.sh', timeout_sec: 600 } },
      },
    ],
  },
);

export function updatesRoutes(getManager: () => UpdateManager | undefined) {
  const mgr = (): UpdateManager => {
    const m = getManager();
    if (!m) throw new SovdError('not-implemented', 'Software updates not available');
    return m;
  };
  const statusLocation = (id: string) => `${API_BASE}/updates/${id}/status`;

  return (app: HttpApp): void => {
    const available = routeAvailability(getManager() !== undefined, 'Software updates not available');
    app.addSchema(UpdateStatusSchema);
    const StatusRef = Type.Ref(UpdateStatusSchema);

    app.get(
      `${API_BASE}/updates`,
      {
        config: available,
        schema: {
          operationId: 'listUpdates',
          summary: 'Ids of registered software update packages',
          tags,
          querystring: Type.Object({ origin: Type.Optional(Type.String({ enum: [...ORIGINS] })), 'target-version': Type.Optional(Type.String()) }),
          response: { 200: Collection(Type.String(), { title: 'UpdateList' }), 400: GenericError, 501: GenericError },
        },
      },
      async (request) => {
        const q = request.query as { origin?: string; 'target-version'?: string };
        return { items: mgr().list({ origin: q.origin, targetVersion: q['target-version'] }) };
      },
    );

    app.post(
      `${API_BASE}/updates`,
      { config: { ...available, role: 'configurator' }, schema: { operationId: 'registerUpdate', summary: 'Register a software update package', tags, body: RegisterBody, response: { 201: Type.Object({ id: Type.String() }), ...ERRORS } } },
      async (request, reply) => {
        const p = await mgr().register(request.body);
        reply.status(201).header('Location', `${API_BASE}/updates/${p.id}`);
        return { id: p.id };
      },
    );

    app.get(
      `${API_BASE}/updates/:update_id`,
      { config: available, schema: { operationId: 'getUpdate', summary: 'Metadata of an update package as registered', tags, params: Params, response: { 200: UpdateMetadata, ...ERRORS } } },
      async (request) => mgr().get(request.params.update_id).metadata,
    );

    app.delete(
      `${API_BASE}/updates/:update_id`,
      { config: { ...available, role: 'configurator' }, schema: { operationId: 'deleteUpdate', summary: 'Delete an update package (409 while an operation runs)', tags, params: Params, response: { 204: Type.Null(), ...ERRORS, 500: GenericError } } },
      async (request, reply) => {
        await mgr().remove(request.params.update_id);
        reply.status(204).send(null);
      },
    );

    for (const op of ['prepare', 'execute', 'automated'] as const) {
      const summary = {
        prepare: 'Prepare (download, verify) an update package in the background',
        execute: 'Install a prepared update package in the background',
        automated: 'Prepare and install an update package in one step',
      }[op];
      app.put(
        `${API_BASE}/updates/:update_id/${op}`,
        { config: { ...available, role: 'configurator' }, schema: { operationId: `${op}Update`, summary, tags, params: Params, response: { 202: StatusRef, ...ERRORS } } },
        async (request, reply) => {
          const id = request.params.update_id;
          const status = mgr().start(id, op);
          reply.status(202).header('Location', statusLocation(id));
          return status;
        },
      );
    }

    app.get(
      `${API_BASE}/updates/:update_id/status`,
      { config: available, schema: { operationId: 'getUpdateStatus', summary: 'Status, phase and progress of an update package', tags, params: Params, response: { 200: StatusRef, ...ERRORS } } },
      async (request) => mgr().get(request.params.update_id).status,
    );
  };
}

// /{entity}/bulk-data (docs/faults.md): the `rosbags` category (fault recordings, read-only, scoped like faults)
// and uploaded categories from `bulk_data.categories` on apps and components.
import { createReadStream, statSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { EntityId, GenericError } from '@medkit/server';
import { discardUpload, readMultipartUpload, withMultipart } from '@medkit/server';
import type { EntityRouteSpec, EntitySegment } from '../../entity-scope/index.js';
import { listRosbagDescriptors, resolveRosbagFile } from '@medkit/faults';
import type { BulkUploadStore } from '../bulk-data/upload-store.js';
import type { FaultsService } from '../gateway/service.js';
import { BulkDataCategoriesSchema, BulkDataDescriptorSchema } from './schemas.js';

const ROSBAGS_CATEGORY = 'rosbags';
const ERR = { 400: GenericError, 404: GenericError, 405: GenericError, 409: GenericError, 413: GenericError, 500: GenericError } as const;
const tags = ['bulk-data'];

export interface BulkDataDeps {
  service: FaultsService;
  uploads: BulkUploadStore;
  /** Configured upload categories (without `rosbags`). */
  categories: readonly string[];
  /** Bytes; 0 = unlimited. */
  maxUploadBytes: number;
}

/** A read path: the four entity routes plus subareas and subcomponents. */
interface EntityPath {
  route: string;
  op: string;
  params: Record<string, ReturnType<typeof EntityId>>;
  segment: EntitySegment;
  /** The entity the request pipeline resolves for this path. */
  entity: EntityRouteSpec;
}

function simplePath(segment: EntitySegment, idParam: string, op: string): EntityPath {
  return { route: `${API_BASE}/${segment}/:${idParam}`, op, segment, params: { [idParam]: EntityId('Entity id') }, entity: { segment, collection: 'bulk-data' } };
}

/** `/areas/{a}/subareas/{s}` and `/components/{c}/subcomponents/{s}`: the child must belong to the parent. */
function childPath(segment: 'areas' | 'components', parentParam: string, childSeg: string, childParam: string, op: string): EntityPath {
  return {
    route: `${API_BASE}/${segment}/:${parentParam}/${childSeg}/:${childParam}`, op, segment, params: { [parentParam]: EntityId('Parent id'), [childParam]: EntityId('Child id') },
    entity: { segment, collection: 'bulk-data', idParam: childParam, parentParam },
  };
}

const READ_PATHS: EntityPath[] = [
  simplePath('apps', 'app_id', 'App'),
  simplePath('components', 'component_id', 'Component'),
  simplePath('areas', 'area_id', 'Area'),
  simplePath('functions', 'function_id', 'Function'),
  childPath('areas', 'area_id', 'subareas', 'subarea_id', 'Subarea'),
  childPath('components', 'component_id', 'subcomponents', 'subcomponent_id', 'Subcomponent'),
];

/** `attachment; filename="..."` with the name reduced to a safe alphabet. */
export function disposition(filename: string): string {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'download';
  return `attachment; filename="${safe}"`;
}

/**
 * Bytes read from the file per turn of the event loop. Node's default (64 KiB) made a 300 KB recording five turns
 * of a gateway busy with its robot: 100-180 ms between the headers and the last byte in the incident view
 * (docs/benchmarks.md). 1 MiB per download in flight at most.
 */
const FILE_READ_CHUNK = 1 << 20;

/** Streams a file with Content-Disposition and single-range support (RFC 9110 §14). */
function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, mimetype: string, filename: string): FastifyReply {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new SovdError('internal-error', 'File cannot be read', { details: (err as Error).message });
  }
  reply.header('Content-Type', mimetype).header('Content-Disposition', disposition(filename)).header('Access-Control-Expose-Headers', 'Content-Disposition').header('Accept-Ranges', 'bytes');
  const range = request.headers.range;
  const m = typeof range === 'string' ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (m && (m[1] !== '' || m[2] !== '')) {
    let start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || start > end) {
      return reply.code(416).header('Content-Range', `bytes */${size}`).serializer((b: string) => b).send('');
    }
    start = Math.max(0, start);
    end = Math.max(start, end);
    reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`).header('Content-Length', String(end - start + 1));
    return reply.send(createReadStream(path, { start, end, highWaterMark: FILE_READ_CHUNK }));
  }
  reply.header('Content-Length', String(size));
  return reply.send(createReadStream(path, { highWaterMark: FILE_READ_CHUNK }));
}

/**
 * The recording's own path, sent as Content-Location with every recording download: a download by fault code (the
 * newest recording) says which recording it served, so a client that started it before knowing the id can tell it
 * is the one it wants. `folder` is the `…/bulk-data/rosbags` path the recording is listed under.
 */
function recordingLocation(folder: string, recordingId: string): string {
  return `${folder}/${encodeURIComponent(recordingId)}`;
}

/** Streams a fault recording, with Content-Location naming it under `folder` (its `…/bulk-data/rosbags` path). */
export function sendRecording(request: FastifyRequest, reply: FastifyReply, file: NonNullable<ReturnType<typeof resolveRosbagFile>>, folder: string): FastifyReply {
  return sendFile(request, reply.header('Content-Location', recordingLocation(folder, file.recording_id)), file.path, file.mimetype, file.filename);
}

/** The path asked without its last segment and query: the folder of a `…/bulk-data/rosbags/{file_id}` download. */
function folderOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return path.slice(0, path.lastIndexOf('/'));
}

/** The file bytes of a download (documented only: a stream is sent as it is). */
export const BinaryFile = Type.String({ format: 'binary', title: 'BinaryFile', description: 'The file content' });

/** The multipart form of an upload (docs/faults.md). */
const BulkDataUploadForm = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'The file (filename and content type from its part)' }),
    description: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.String({ description: 'A JSON object as text', contentMediaType: 'application/json' })),
  },
  { title: 'BulkDataUpload' },
);

export async function registerBulkDataRoutes(app: HttpApp, deps: BulkDataDeps): Promise<void> {
  app.addSchema(BulkDataDescriptorSchema);
  const DescriptorRef = Type.Ref(BulkDataDescriptorSchema);
  const categories = [ROSBAGS_CATEGORY, ...deps.categories.filter((c) => c !== ROSBAGS_CATEGORY)];
  const repo = () => deps.service.system.repository;
  const uploadsOn = (segment: EntitySegment) => segment === 'apps' || segment === 'components';

  for (const p of READ_PATHS) {
    const base = `${p.route}/bulk-data`;
    const params = Type.Object(p.params);
    const catParams = Type.Object({ ...p.params, category_id: Type.String({ minLength: 1, maxLength: 256 }) });
    const itemParams = Type.Object({ ...p.params, category_id: Type.String({ minLength: 1, maxLength: 256 }), file_id: Type.String({ minLength: 1, maxLength: 256 }) });
    const config = { entity: p.entity };
    const resolve = (request: FastifyRequest) => ({ ...request.entity, segment: p.segment });
    const checkCategory = (category: string) => {
      if (!categories.includes(category)) throw new SovdError('resource-not-found', `Unknown bulk-data category '${category}'`, { category, allowed_values: categories.join(', ') });
    };

    app.get(
      base,
      { config, schema: { operationId: `list${p.op}BulkDataCategories`, summary: 'Bulk-data categories (rosbags first)', tags, params, response: { 200: BulkDataCategoriesSchema, ...ERR } } },
      async () => ({ items: categories }),
    );

    app.get(
      `${base}/:category_id`,
      { config, schema: { operationId: `list${p.op}BulkData`, summary: 'Descriptors of one category (rosbags: one per recording of in-scope faults)', tags, params: catParams, response: { 200: Type.Object({ items: Type.Array(DescriptorRef) }), ...ERR } } },
      async (request) => {
        const { type, entity, segment } = resolve(request);
        const { category_id: category } = request.params as { category_id: string };
        checkCategory(category);
        if (category === ROSBAGS_CATEGORY) return { items: listRosbagDescriptors(repo(), deps.service.scopeOf(type, entity).belongs) };
        return { items: uploadsOn(segment) ? deps.uploads.list(segment, entity.id, category) : [] };
      },
    );

    app.get(
      `${base}/:category_id/:file_id`,
      {
        config,
        schema: {
          operationId: `download${p.op}BulkData`, summary: 'Download one item (rosbags: a recording id, or a fault code for its newest recording)', tags,
          params: itemParams, produces: ['application/octet-stream', 'application/x-mcap'], response: { 200: BinaryFile, ...ERR },
        },
      },
      async (request, reply) => {
        const { type, entity, segment } = resolve(request);
        const { category_id: category, file_id: fileId } = request.params as { category_id: string; file_id: string };
        checkCategory(category);
        if (category === ROSBAGS_CATEGORY) {
          const file = resolveRosbagFile(repo(), fileId, deps.service.scopeOf(type, entity).belongs);
          if (!file) throw new SovdError('resource-not-found', `Recording not found: ${fileId}`, { entity_id: entity.id, category, file_id: fileId });
          return sendRecording(request, reply, file, folderOf(request));
        }
        const hit = uploadsOn(segment) ? deps.uploads.get(segment, entity.id, category, fileId) : undefined;
        if (!hit) throw new SovdError('resource-not-found', `Bulk-data item not found: ${fileId}`, { entity_id: entity.id, category, file_id: fileId });
        return sendFile(request, reply, hit.path, hit.descriptor.mimetype, hit.descriptor.name);
      },
    );
  }

  // A fault no entity reported (its source is no App) links its recording here: every bulk_data_uri a fault detail
  // hands out resolves (docs/faults.md "Black box"). Any recording by id, as the global /faults route shows any fault.
  app.get(
    `${API_BASE}/bulk-data/rosbags/:file_id`,
    {
      schema: {
        operationId: 'downloadRosbag', summary: '[ours] Download a fault recording by id (or a fault code, for its newest), whatever entity reported it', tags,
        params: Type.Object({ file_id: Type.String({ minLength: 1, maxLength: 256 }) }), produces: ['application/octet-stream', 'application/x-mcap'], response: { 200: BinaryFile, ...ERR },
      },
    },
    async (request, reply) => {
      const { file_id: fileId } = request.params as { file_id: string };
      const file = resolveRosbagFile(repo(), fileId);
      if (!file) throw new SovdError('resource-not-found', `Recording not found: ${fileId}`, { category: ROSBAGS_CATEGORY, file_id: fileId });
      return sendRecording(request, reply, file, folderOf(request));
    },
  );

  await registerWrites(app, deps, categories, DescriptorRef);
}

async function registerWrites(app: HttpApp, deps: BulkDataDeps, categories: string[], DescriptorRef: ReturnType<typeof Type.Ref>): Promise<void> {
  const writable = (category: string) => {
    if (category === ROSBAGS_CATEGORY) throw new SovdError('invalid-parameter', 'The rosbags category is managed by the fault manager and read-only', { category });
    if (!categories.includes(category)) throw new SovdError('invalid-parameter', `Unknown bulk-data category '${category}'`, { category, allowed_values: categories.filter((c) => c !== ROSBAGS_CATEGORY).join(', ') });
  };
  await withMultipart(app, { limits: { fileSize: deps.maxUploadBytes > 0 ? deps.maxUploadBytes : Infinity, files: 1, fields: 4, fieldSize: 256 * 1024, parts: 8 } }, registerUploads);
  function registerUploads(uploadScope: HttpApp): void {
    for (const segment of ['apps', 'components', 'areas', 'functions'] as const) {
      const idParam = `${segment.slice(0, -1)}_id`;
      const op = segment.charAt(0).toUpperCase() + segment.slice(1, -1);
      const catParams = Type.Object({ [idParam]: EntityId('Entity id'), category_id: Type.String({ minLength: 1, maxLength: 256 }) });
      uploadScope.post(
        `${API_BASE}/${segment}/:${idParam}/bulk-data/:category_id`,
        {
          config: writeConfig(segment),
          schema: {
            operationId: `upload${op}BulkData`, summary: 'Upload a file (multipart: file, description, metadata); apps and components only', tags, consumes: ['multipart/form-data'],
            multipartForm: BulkDataUploadForm, params: catParams, response: { 201: DescriptorRef, ...ERR },
          },
        },
        async (request, reply) => {
          const { entity } = resolveWrite(segment, request);
          const { category_id: category } = request.params as { category_id: string };
          writable(category);
          const received = await receive(request, deps);
          const d = deps.uploads.commit(segment, entity.id, category, received.file, received.description, received.metadata);
          return reply.code(201).header('Location', `${API_BASE}/${segment}/${entity.id}/bulk-data/${category}/${d.id}`).send(d);
        },
      );
    }
  }
  function writesAllowed(segment: EntitySegment): boolean {
    return segment === 'apps' || segment === 'components';
  }
  // Writes on areas and functions resolve the entity first (404 before 405), without the lock check.
  function writeConfig(segment: EntitySegment) {
    return { entity: { segment, collection: 'bulk-data' as const, mutating: writesAllowed(segment) }, role: 'operator' as const };
  }
  function resolveWrite(segment: EntitySegment, request: FastifyRequest) {
    if (!writesAllowed(segment)) throw new SovdError('invalid-request', `Bulk data cannot be written on ${segment}`, { entity_id: request.entity.entity.id }, { status: 405 });
    return request.entity;
  }

  for (const segment of ['apps', 'components', 'areas', 'functions'] as const) {
    const idParam = `${segment.slice(0, -1)}_id`;
    const op = segment.charAt(0).toUpperCase() + segment.slice(1, -1);
    const base = `${API_BASE}/${segment}/:${idParam}/bulk-data/:category_id`;
    const itemParams = Type.Object({ [idParam]: EntityId('Entity id'), category_id: Type.String({ minLength: 1, maxLength: 256 }), file_id: Type.String({ minLength: 1, maxLength: 256 }) });
    app.delete(
      `${base}/:file_id`,
      { config: writeConfig(segment), schema: { operationId: `delete${op}BulkData`, summary: 'Delete an uploaded item', tags, params: itemParams, response: { 204: Type.Null(), ...ERR } } },
      async (request, reply) => {
        const { entity } = resolveWrite(segment, request);
        const { category_id: category, file_id: fileId } = request.params as { category_id: string; file_id: string };
        writable(category);
        if (!deps.uploads.delete(segment, entity.id, category, fileId)) throw new SovdError('resource-not-found', `Bulk-data item not found: ${fileId}`, { entity_id: entity.id, category, file_id: fileId });
        return reply.code(204).send(null);
      },
    );
  }
}

function tooLarge(deps: BulkDataDeps): SovdError {
  return new SovdError('payload-too-large', `Upload is larger than bulk_data.max_upload_size (${deps.maxUploadBytes} bytes)`, { max_upload_size: deps.maxUploadBytes });
}

/** Reads the multipart body: `file` to an incoming file, `description` and `metadata` (a JSON object) as text. */
async function receive(request: FastifyRequest, deps: BulkDataDeps) {
  const { file, fields } = await readMultipartUpload(request, { incomingPath: () => deps.uploads.incomingPath(), fields: ['description', 'metadata'], tooLarge: () => tooLarge(deps) });
  try {
    return { file, description: fields.description, metadata: parseMetadata(fields.metadata) };
  } catch (err) {
    await discardUpload(file);
    throw err;
  }
}

function parseMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SovdError('invalid-parameter', 'metadata must be a JSON object', { parameter: 'metadata' });
  return parsed as Record<string, unknown>;
}

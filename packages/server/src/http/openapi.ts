// OpenAPI 3.1 generated from the route schemas (@fastify/swagger, dynamic mode), served at
// /api/v1/docs and as scoped documents at any `.../docs` suffix (docs/api.md), plus Swagger UI
// with its bundled assets at /api/v1/swagger-ui and /docs (no CDN at run time).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyRequest } from 'fastify';
import { Type, type TObject } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from './app-types.js';
import { SovdError } from '@medkit/sovd';
import { hoistBodySchemas, jsonOnlyErrors } from './openapi-components.js';
import { completeOperations } from './openapi-operations.js';
import { MINIMUM_ROLE_KEY } from './openapi-names.js';
import { documentedResponses } from './response-schemas.js';
import { GenericError, Opaque } from './schemas.js';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The form of a `multipart/form-data` route (with `consumes: ['multipart/form-data']`). Only
     * documented: the multipart parser reads the parts, Fastify does not validate them.
     */
    multipartForm?: TObject;
  }
}

/** Documented form of a multipart route that names none. */
const DEFAULT_FORM = Type.Object({ file: Type.String({ format: 'binary', description: 'The uploaded file' }) }, { title: 'FileUpload' });

export interface OpenApiOptions {
  enabled: boolean;
  version: string;
  /** SOVD version implemented, `x-sovd-version`. */
  sovdVersion: string;
  /** The `security` of one operation (its minimum role, docs/security.md) and the schemes it names. */
  security?: OperationSecurity;
}

/** The `security` of one operation and the minimum role the document names in {@link MINIMUM_ROLE_KEY}. */
export interface OperationAuth {
  security: Record<string, string[]>[];
  minimumRole: string;
}

/** How operations get their `security` and minimum role (auth/index.ts implements it). */
interface OperationSecurity {
  schemes: Record<string, unknown>;
  /** Of a registered route, from its method, URL and config. */
  of(method: string, url: string, config: unknown): OperationAuth;
  /** Of an operation whose minimum role is given (plugin paths mark it with MINIMUM_ROLE_KEY). */
  forRole(method: string, role: string): OperationAuth;
}

interface OpenApiDoc {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
  [k: string]: unknown;
}

/** Called with a scoped document before it is returned; resources add per-item schemas here. */
export type DocsEnricher = (scope: string[], doc: OpenApiDoc, request: FastifyRequest) => void | Promise<void>;

/**
 * Keeps the paths of `doc` under the scope segments, substituting concrete ids for template
 * parameters. Paths are relative to `servers[0].url` (the API base), as in the full document.
 */
function scopeDocument(doc: OpenApiDoc, scope: string[]): OpenApiDoc | undefined {
  const paths: OpenApiDoc['paths'] = {};
  for (const [template, item] of Object.entries(doc.paths)) {
    if (!template.startsWith('/')) continue;
    const segs = template.slice(1).split('/');
    if (segs.length < scope.length) continue;
    let ok = true;
    const substituted = new Map<string, string>();
    for (let i = 0; i < scope.length && ok; i++) {
      const seg = segs[i];
      if (seg === scope[i]) continue;
      const p = /^\{(.+)\}$/.exec(seg);
      if (p && scope[i] !== 'docs') substituted.set(p[1], scope[i]);
      else ok = false;
    }
    if (!ok) continue;
    let concrete = template;
    for (const [name, value] of substituted) concrete = concrete.replace(`{${name}}`, value);
    const cloned = JSON.parse(JSON.stringify(item)) as Record<string, { parameters?: { in: string; name: string }[] }>;
    for (const op of Object.values(cloned)) {
      if (op && Array.isArray(op.parameters)) op.parameters = op.parameters.filter((q) => !(q.in === 'path' && substituted.has(q.name)));
    }
    paths[concrete] = cloned;
  }
  if (Object.keys(paths).length === 0) return undefined;
  return { ...doc, paths };
}

/** Path items added to the document at request time (plugin routes, which are not Fastify routes of their own). */
export type ExtraDocPaths = () => Record<string, unknown>;

/**
 * Statuses any request can get before its route's own checks, declared on every operation that declares its
 * answers (the reference's 0.7.0 sweep: every status on the wire is declared): 414 for a URL or a path
 * parameter over the limit, and with authentication on 401 (no or a bad token) and 403 (a role too low).
 * A route's own declaration of the same status wins.
 */
function withRequestLevelStatuses(response: unknown, auth: boolean): unknown {
  if (response === null || typeof response !== 'object') return response;
  const add: Record<string, unknown> = { 414: GenericError, ...(auth ? { 401: GenericError, 403: GenericError } : {}) };
  return { ...add, ...(response as Record<string, unknown>) };
}

export async function installOpenApi(app: HttpApp, opts: OpenApiOptions, enrichers: DocsEnricher[], extraPaths: ExtraDocPaths[] = []): Promise<void> {
  app.addSchema(GenericError);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'medkit SOVD gateway',
        version: opts.version,
        description: 'SOVD (ISO 17978-3) REST API of a ROS 2 robot, served by medkit.',
        'x-sovd-version': opts.sovdVersion,
        contact: { name: 'medkit' },
      } as never,
      // Paths are relative to the API base, as in the reference gateway's document: clients
      // generated from it prefix servers[0].url. @fastify/swagger strips the base from route URLs.
      servers: [{ url: API_BASE }],
      ...(opts.security ? { components: { securitySchemes: opts.security.schemes as never } } : {}),
    },
    transform: ({ schema: routeSchema, url: routeUrl, route }) => {
      // The root `/api/v1` is `/` relative to the base, not the empty path.
      const url = routeUrl === API_BASE ? `${API_BASE}/` : routeUrl;
      const method = Array.isArray(route.method) ? route.method[0] : route.method;
      const auth = routeSchema && opts.security ? opts.security.of(method, route.url, route.config) : undefined;
      // Every status the route declared, not only those Fastify compiles (response-schemas.ts).
      const declared = routeSchema ? { ...routeSchema, response: withRequestLevelStatuses(documentedResponses(route, routeSchema), Boolean(auth)) } : routeSchema;
      const schema = auth ? { ...declared, security: auth.security, [MINIMUM_ROLE_KEY]: auth.minimumRole } : declared;
      if (!schema || schema.body !== undefined || !schema.consumes?.includes('multipart/form-data')) return { schema, url };
      return { schema: { ...schema, body: schema.multipartForm ?? DEFAULT_FORM }, url };
    },
    // Named bodies for generated clients (openapi-components.ts).
    transformObject: (documentObject) => {
      const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as unknown as OpenApiDoc;
      return completeOperations(hoistBodySchemas(jsonOnlyErrors(doc, GenericError.$id!))) as never;
    },
    refResolver: {
      // Named component schemas keep their $id (GenericError, ...) instead of def-N.
      buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  if (!opts.enabled) {
    app.get(`${API_BASE}/docs`, { schema: { hide: true } }, async () => {
      throw new SovdError('not-implemented', 'API documentation is disabled (docs.enabled: false)');
    });
    return;
  }
  await app.register(swaggerUi, {
    routePrefix: `${API_BASE}/swagger-ui`,
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
    transformSpecificationClone: true,
  });
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => reply.redirect(`${API_BASE}/swagger-ui/`));

  app.get(
    `${API_BASE}/docs`,
    {
      schema: {
        operationId: 'getApiDocs',
        summary: 'OpenAPI 3.1 description of this gateway (whole, or scoped by a path followed by /docs)',
        tags: ['server'],
        querystring: Type.Object({ scope: Type.Optional(Type.String({ description: 'Set by the `<path>/docs` form' })) }),
        response: { 200: Opaque('OpenAPI 3.1 document'), 404: GenericError },
      },
    },
    async (request) => {
      const generated = app.swagger() as unknown as OpenApiDoc;
      const extra = withSecurity(Object.assign({}, ...extraPaths.map((f) => f())) as Record<string, unknown>, opts.security);
      // Plugin paths join after generation: their operations and tags are completed here.
      const full = Object.keys(extra).length > 0 ? completeOperations({ ...generated, paths: { ...(generated as { paths?: object }).paths, ...extra } } as unknown as OpenApiDoc) : generated;
      const scopeText = (request.query as { scope?: string }).scope;
      if (!scopeText) return full;
      const scope = scopeText.split('/').filter((s) => s !== '');
      const doc = scopeDocument(full, scope);
      if (!doc) throw new SovdError('resource-not-found', `No API description for ${API_BASE}/${scope.join('/')}`, { path: `${API_BASE}/${scope.join('/')}` });
      for (const enrich of enrichers) await enrich(scope, doc, request);
      return doc;
    },
  );
}

/** Sets `security` on the operations of extra path items that state their minimum role. */
function withSecurity(paths: Record<string, unknown>, security: OperationSecurity | undefined): Record<string, unknown> {
  if (!security) return paths;
  for (const item of Object.values(paths)) {
    if (item === null || typeof item !== 'object') continue;
    for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      const role = op?.[MINIMUM_ROLE_KEY];
      if (typeof role !== 'string') continue;
      const auth = security.forRole(method.toUpperCase(), role);
      op.security = auth.security;
      op[MINIMUM_ROLE_KEY] = auth.minimumRole;
    }
  }
  return paths;
}

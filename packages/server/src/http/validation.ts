// Request validation: one Ajv configuration per part of the request. Query strings, path parameters
// and headers arrive as text, so their numbers and booleans are coerced from strings (`?limit=10`);
// a JSON body already has types, so nothing is coerced there (`true` is not the integer 1, `"5"` is
// not the number 5) and documented ranges are enforced as written.
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { SovdError } from '@medkit/sovd';
import { lazyValidatorCompiler, reuseForEqualSchemas } from './lazy-compile.js';

// validateSchema off: Ajv's check of each route schema against its meta-schema cost 40 ms of CPU on a gateway's first
// validated request (its first /apps, issue 69), for schemas that are ours and fixed at build time; its compiler
// still refuses a malformed one (a wrong type, range or `required`) when the route is first used (validation.test.ts).
const SHARED = { useDefaults: true, removeAdditional: false, allErrors: false, validateSchema: false } as const;

// One pool per process: it reuses an Ajv instance for the same shared schemas and options, as
// Fastify's default does (a fresh Ajv per encapsulation context makes start-up many times slower).
const pool = AjvCompiler();

type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];
type BuildValidator = (externalSchemas: Record<string, unknown>, serverOptions: unknown) => FastifySchemaCompiler<unknown>;

/** The `schemaController.compilersFactory.buildValidator` of the gateway's Fastify server. */
export const buildRequestValidator: BuildValidator = reuseForEqualSchemas((externalSchemas: Record<string, unknown>, _serverOptions: unknown) => {
  // Built once per set of shared schemas (reuseForEqualSchemas); finding the pool's Ajv serializes every shared
  // schema, so that too waits for a route's first request (lazy-compile.ts), as the compiling does.
  let textParts: ReturnType<typeof pool> | undefined;
  let jsonBody: ReturnType<typeof pool> | undefined;
  return lazyValidatorCompiler((route: RouteSchema) => {
    if (route.httpPart === 'body') return (jsonBody ??= pool(externalSchemas as never, { customOptions: { ...SHARED, coerceTypes: false } }))(route as never) as never;
    return (textParts ??= pool(externalSchemas as never, { customOptions: { ...SHARED, coerceTypes: 'array' } }))(route as never) as never;
  });
});

/** Ajv keywords that reject a well-typed number for being out of its documented range. */
const VALUE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);

/**
 * True when a validation error is an out-of-range number (docs/api.md `invalid-parameter`); other body
 * failures (type, required, enum, pattern) stay `invalid-request` as the resource sections specify.
 */
export function isValueError(keyword: string | undefined): boolean {
  return keyword !== undefined && VALUE_KEYWORDS.has(keyword);
}

/**
 * For routes with `attachValidation: true`: a body that failed its schema becomes the spec's 400
 * invalid-parameter (not the generic invalid-request), thrown where the handler chooses, so checks
 * that come first in the spec (an unsupported protocol, an unknown entity) keep their own answer.
 */
export function checkBody(request: FastifyRequest): void {
  const err = (request as FastifyRequest & { validationError?: Error }).validationError;
  if (err) throw new SovdError('invalid-parameter', `Invalid request body: ${err.message}`, { details: err.message });
}

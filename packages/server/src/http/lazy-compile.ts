// Route schemas are compiled on a route's first use, not at start-up (issue 32). Fastify builds a request
// validator and a response serializer for every route when the server starts: with a few hundred routes
// that was most of a plain gateway's start-up time and a large part of its memory, spent on routes a
// robot's clients may never call. The compiled function is the same; only when it is built changes.
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';

type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];
type SerializerRoute = Parameters<FastifySerializerCompiler<unknown>>[0];

/**
 * A validator compiled on its first call. Fastify reads `errors` after a failed call and passes Ajv's
 * parent-data context (so Ajv may coerce a root value) when the function has `schemaEnv`: both are
 * forwarded to the compiled function.
 */
export function lazyValidatorCompiler(compile: (route: RouteSchema) => Validate): FastifySchemaCompiler<unknown> {
  return (route) => {
    let compiled: Validate | undefined;
    const validate: Validate = (data, ctx) => {
      compiled ??= compile(route);
      return compiled.schemaEnv ? compiled(data, ctx) : compiled(data);
    };
    // Truthy before the first call, so Fastify always hands over the context the compiled function may need.
    validate.schemaEnv = true;
    Object.defineProperty(validate, 'errors', { get: () => compiled?.errors });
    return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/** A response serializer compiled on its first call. */
export function lazySerializerCompiler(compile: (route: SerializerRoute) => (data: unknown) => string): FastifySerializerCompiler<unknown> {
  return (route) => {
    let compiled: ((data: unknown) => string) | undefined;
    return (data: unknown) => (compiled ??= compile(route))(data);
  };
}

/**
 * Wraps a compiler builder (`compilersFactory.buildValidator` / `buildSerializer`) so that consecutive calls
 * with equal shared schemas return the same compiler. Once any schema was added with `addSchema`, Fastify calls
 * the builders again for every route, each time with a fresh shallow copy of the shared schemas: a few hundred
 * routes then held a few hundred copies (and, compiled lazily, their own compiler state). Equal means the same
 * names naming the same schema objects, so the compiled code cannot differ.
 */
export function reuseForEqualSchemas<O, R>(build: (schemas: Record<string, unknown>, options: O) => R): (schemas: Record<string, unknown>, options: O) => R {
  let last: { schemas: Record<string, unknown>; options: O; built: R } | undefined;
  return (schemas, options) => {
    if (last && last.options === options && sameEntries(last.schemas, schemas)) return last.built;
    const built = build(schemas, options);
    last = { schemas, options, built };
    return built;
  };
}

function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

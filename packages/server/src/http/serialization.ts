// Response serialization: Fastify's own fast-json-stringify compiler, each route's serializer built on the
// route's first response instead of at start-up (lazy-compile.ts).
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { lazySerializerCompiler, reuseForEqualSchemas } from './lazy-compile.js';

type BuildSerializer = (externalSchemas: Record<string, unknown>, serializerOptions: unknown) => ReturnType<typeof lazySerializerCompiler>;

const select = SerializerSelector();

/** The `schemaController.compilersFactory.buildSerializer` of the gateway's Fastify server. */
export const buildResponseSerializer: BuildSerializer = reuseForEqualSchemas((externalSchemas, serializerOptions) => {
  // The selector too is built on a route's first response.
  let compile: ReturnType<typeof select> | undefined;
  return lazySerializerCompiler((route) => (compile ??= select(externalSchemas as never, serializerOptions as never))(route as never) as never);
});

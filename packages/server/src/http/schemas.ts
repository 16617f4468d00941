// Shared TypeBox schemas: the GenericError body, the collection envelope, id path parameters.
// Route schemas validate requests, serialise responses and generate the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_STATUS, VENDOR_STATUS } from '@medkit/sovd';
import { Opaque } from '@medkit/kit';

export const ENTITY_ID_PATTERN = '^[A-Za-z0-9_-]{1,256}$';

/** `code (status), …` of an error table (packages/sovd/src/errors.ts, the single source of codes and statuses). */
function codeList(table: Record<string, number>): string {
  return Object.entries(table)
    .map(([code, status]) => `${code} (${status})`)
    .join(', ');
}

export const GenericError = Type.Object(
  {
    error_code: Type.String({ examples: ['entity-not-found'], description: `A standard SOVD code, or vendor-error. Codes (default status): ${codeList(ERROR_STATUS)}` }),
    vendor_code: Type.Optional(
      Type.String({ examples: ['x-medkit-ros2-topic-unavailable'], description: `With error_code vendor-error: the x-medkit-* code, the gateway's own or one a plugin declares (docs/api.md lists the built-in plugins' codes). The gateway's codes (default status): ${codeList(VENDOR_STATUS)}` }),
    ),
    message: Type.String(),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'GenericError', title: 'GenericError', description: 'SOVD error body: error_code, vendor_code for x-medkit codes, message, parameters (docs/api.md)' },
);

// Opaque lives in kit (the faults package's REST schemas use it too); re-exported so the server's imports stay.
export { Opaque };

export const Links = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
  description: 'HATEOAS links',
});

/** The collection envelope of docs/api.md. */
// The return type is inferred so that `Static<>` of a collection names its items' type.
export function Collection<T extends TSchema>(item: T, opts: { title?: string; description?: string } = {}) {
  return Type.Object(
    {
      items: Type.Array(item),
      'x-medkit': Type.Optional(Opaque('Vendor list-level fields (counts, aggregation)')),
      _links: Type.Optional(Links),
    },
    { additionalProperties: false, ...opts },
  );
}

/** A path parameter holding an entity id. */
export const EntityId = (description: string) => Type.String({ pattern: ENTITY_ID_PATTERN, description, maxLength: 256, minLength: 1 });

// Input and output schema pieces the declarations share: ids that cannot change the request path, the
// entity types each collection allows, typed JSON values, and the loose output objects.
import { z } from 'zod';
import type { ArgumentAlias } from './declaration.js';

export const ENTITY_TYPES = ['areas', 'components', 'apps', 'functions'] as const;

// Ids go into URL paths: the schema rejects anything that could change the path (slashes, dots-only,
// query or fragment characters) before a request is made; the gateway validates them again.
export const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:~-]*$/, `${what} may contain letters, digits, '_', '-', '.', ':' and '~' only`)
    .describe(what);

// Data ids are topic names ('/base/battery'): slashes are allowed (they are percent-encoded into one
// path segment) but no '.' or '..' segment.
export const dataId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^\/?[A-Za-z0-9_~][A-Za-z0-9_.:~/-]*$/, "data item ids are topic names: letters, digits, '_', '/', '-', '.', ':' and '~'")
  .refine((v) => !v.split('/').some((seg) => seg === '.' || seg === '..'), "no '.' or '..' segments")
  .describe('data item id (the topic name, e.g. /base/battery)');

const typeEnum = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).describe(`entity collection: ${values.join(', ')}`);

/** Any entity (areas, components, apps, functions). */
export const anyEntity = { entity_type: typeEnum(ENTITY_TYPES), entity_id: id('entity id') };
/** Collections SOVD offers on apps and components only (locks, scripts, uploads, lifecycle, modes). */
export const appOrComponent = { entity_type: typeEnum(['apps', 'components'] as const), entity_id: id('entity id') };
/** Cyclic subscriptions: apps, components and functions. */
export const subscribable = { entity_type: typeEnum(['apps', 'components', 'functions'] as const), entity_id: id('entity id') };

// A ROS value as JSON, with its type kept: a schema-driven client renders a number field for a number
// instead of a text box (one sent 0.02 as the string "0.02" when the schema was untyped).
export const jsonValue = z
  .union([z.number(), z.boolean(), z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null()])
  .describe('a JSON value of the ROS type: number, boolean, string, array or object (not a string holding a number)');
export const jsonObject = z.record(z.string(), z.unknown());

/** What every answer carries besides the gateway's own fields. */
const McpMeta = z
  .object({
    http_status: z.number().int().optional().describe('the HTTP status the gateway answered (absent when no request was answered)'),
    location: z.string().optional().describe('absolute URL of the created or started resource (Location header)'),
    links: z.record(z.string(), z.string()).optional().describe('every link of the answer, made absolute'),
    truncated: z.boolean().optional().describe('true when the answer was cut to the output limit'),
    error: z
      .looseObject({ error_code: z.string(), message: z.string(), status: z.number().int().optional(), source: z.enum(['mcp', 'gateway']) })
      .optional()
      .describe('on a failed call (isError): the error JSON, as in the text'),
  })
  .describe('added by the MCP server');

// Output field types: loose on purpose below the top level, where bounding folds deep detail into notes.
export const o = {
  items: z.array(z.unknown()),
  list: z.array(z.unknown()),
  str: z.string(),
  num: z.number(),
  /** A number the gateway answers as null while it is unknown (progress of a run that reports none yet). */
  numOrNull: z.number().nullable(),
  bool: z.boolean(),
  obj: jsonObject,
  any: z.unknown(),
};

/** The output schema of a tool: the named top-level fields (optional), anything else the gateway adds, and `x-medkit-mcp`. */
export function outputSchema(shape: z.ZodRawShape) {
  const optional = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, (v as z.ZodType).optional()]));
  return z.looseObject({ ...optional, 'x-medkit-mcp': McpMeta });
}

/**
 * A reference argument that is the REST body as one object (`lock_config`, `sub_config`, `trigger_config`):
 * its fields, checked against `fields` (no others), become our arguments `targets`; `convert` maps the
 * fields the reference names otherwise.
 */
export function bodyObject(targets: readonly string[], fields: z.ZodRawShape, description: string, convert: (v: Record<string, unknown>) => Record<string, unknown> = (v) => v): ArgumentAlias {
  return { spread: targets, schema: z.strictObject(fields).describe(description), convert: (v) => convert(v as Record<string, unknown>) };
}

/** An argument the reference takes that means nothing here: accepted and checked so its calls work, never sent. */
export const unusedArg = (schema: z.ZodType, why: string) => schema.optional().describe(`accepted for the reference server's calls and not used: ${why}`);

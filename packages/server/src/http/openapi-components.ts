// Every request and response body of the OpenAPI document becomes a `$ref` to a named component
// schema, because client generators for the reference gateway name their models after
// components and cannot use inline bodies. Done once over the generated document, so the route
// files keep declaring their schemas inline.
//
// Names, in order of preference (see docs/migrating.md, "OpenAPI document and generated clients"):
//   1. the schema's `title` (TypeBox `title`/`$id`), shared by every body with an equal schema;
//   2. from the operationId: `<OperationId>Request`, `<OperationId>Response` (2xx; a second 2xx
//      code adds the code), `<OperationId>Error<code>`, plus a media-type suffix when one
//      operation answers different schemas per media type.
// They depend only on titles and operationIds, never on route order, so they stay stable.

/** The part of an OpenAPI 3.1 document this module reads and rewrites. */
export interface OpenApiDocShape {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

type Schema = Record<string, unknown>;
interface Media {
  schema?: Schema;
  [k: string]: unknown;
}
interface Body {
  content?: Record<string, Media>;
  [k: string]: unknown;
}
interface Operation {
  operationId?: string;
  requestBody?: Body;
  responses?: Record<string, Body>;
}

const REF_PREFIX = '#/components/schemas/';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Component names must match this (OpenAPI 3.1 docs/api.md). */
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/** JSON text with sorted keys and without `$id`, so equal schemas compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === '$id') return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

/** `x-vault/{id}/status` → `XVaultIdStatus` (component names, derived operationIds). */
export const pascal = (s: string) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase());

/** `application/x-mcap` → `Mcap`, `multipart/form-data` → `FormData`, `text/event-stream` → `EventStream`. */
const mediaSuffix = (mediaType: string) => pascal(mediaType.split(';')[0].split('/').pop()!.replace(/^x-/, ''));

/** Stores schemas under names, reusing a name only for an equal schema. */
class ComponentTable {
  private readonly canon = new Map<string, string>();
  constructor(private readonly schemas: Record<string, unknown>) {
    for (const [name, s] of Object.entries(schemas)) this.canon.set(name, canonical(s));
  }

  /** The name `schema` is stored under: the first candidate that is free or holds an equal schema, else the last one numbered. */
  place(schema: Schema, candidates: string[]): string {
    const text = canonical(schema);
    const valid = candidates.filter((c) => COMPONENT_NAME.test(c));
    const base = valid[valid.length - 1] ?? 'Body';
    for (let i = 1; ; i++) {
      const names = i === 1 ? valid : [`${base}${i}`];
      for (const name of names) if (this.claim(name, schema, text)) return name;
    }
  }

  /** True when `name` now holds `schema` (it was free, or already held an equal one). */
  private claim(name: string, schema: Schema, text: string): boolean {
    const held = this.canon.get(name);
    if (held !== undefined) return held === text;
    this.schemas[name] = schema;
    this.canon.set(name, text);
    return true;
  }
}

function isRef(s: Schema | undefined): boolean {
  return typeof s?.$ref === 'string';
}

/** Replaces every inline request/response body schema of `doc` by a `$ref` to a named component (in place). */
export function hoistBodySchemas<D extends OpenApiDocShape>(doc: D): D {
  doc.components ??= {};
  doc.components.schemas ??= {};
  const table = new ComponentTable(doc.components.schemas);
  for (const item of Object.values(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !raw || typeof raw !== 'object') continue;
      const op = raw as Operation;
      const base = pascal(op.operationId ?? `${method} op`);
      if (op.requestBody) hoistBody(table, op.requestBody, `${base}Request`);
      const responses = Object.entries(op.responses ?? {});
      const success = responses.filter(([code, body]) => code.startsWith('2') && Object.keys(body.content ?? {}).length > 0).map(([code]) => code);
      for (const [code, body] of responses) {
        const name = code.startsWith('2') ? (success[0] === code ? `${base}Response` : `${base}Response${code}`) : `${base}Error${code}`;
        hoistBody(table, body, name);
      }
    }
  }
  return doc;
}

function hoistBody(table: ComponentTable, body: Body, name: string): void {
  const entries = Object.entries(body.content ?? {}).filter(([, m]) => m.schema !== undefined && !isRef(m.schema));
  if (entries.length === 0) return;
  const distinct = new Set(entries.map(([, m]) => canonical(m.schema))).size;
  for (const [mediaType, media] of entries) {
    const schema = media.schema!;
    const own = distinct > 1 ? `${name}${mediaSuffix(mediaType)}` : name;
    const candidates = typeof schema.title === 'string' ? [schema.title, own] : [own];
    media.schema = { $ref: `${REF_PREFIX}${table.place(schema, candidates)}` };
  }
}

/**
 * Error responses answer JSON whatever the route produces on success (a download's 404 is a
 * GenericError in application/json, not application/x-mcap): an error response whose schema is
 * the component `errorSchema` keeps only the JSON media type.
 */
export function jsonOnlyErrors<D extends OpenApiDocShape>(doc: D, errorSchema: string): D {
  for (const item of Object.values(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !raw || typeof raw !== 'object') continue;
      for (const [code, body] of Object.entries((raw as Operation).responses ?? {})) {
        if (code.startsWith('2') || !body.content || body.content['application/json'] !== undefined) continue;
        const first = Object.values(body.content)[0];
        if (first?.schema && (first.schema.title === errorSchema || first.schema.$ref === `${REF_PREFIX}${errorSchema}`)) body.content = { 'application/json': first };
      }
    }
  }
  return doc;
}

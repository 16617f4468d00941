// Checks a body a service or view builds against its REST schema the way the served route treats it: the body must
// pass the schema (TypeBox `Value.Errors`), and no field may be one the response serialiser would strip — a key of
// an object schema that is neither listed nor allowed by `additionalProperties: true` (issue 58: a REST body's shape
// is written once, so a field missing from the schema silently vanishes from the answer).
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Every problem of `value` against `schema` (`refs`: the schemas its `$ref`s name); empty when the body is served whole. */
export function shapeProblems(schema: TSchema, refs: TSchema[], value: unknown): string[] {
  const errors = [...Value.Errors(schema, refs, value)].map((e) => `${e.path || '/'}: ${e.message}`);
  return [...errors, ...strippedFields(schema, refs, value, '')];
}

function strippedFields(schema: TSchema, refs: TSchema[], value: unknown, path: string): string[] {
  const s = resolve(schema, refs);
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    const items = s.items as TSchema | undefined;
    return items ? value.flatMap((v, i) => strippedFields(items, refs, v, `${path}/${i}`)) : [];
  }
  const branches = (s.anyOf ?? s.oneOf) as TSchema[] | undefined;
  if (branches) {
    const match = branches.find((b) => Value.Check(b, refs, value));
    return match ? strippedFields(match, refs, value, path) : [];
  }
  if (s[Kind] === 'Record' || s.patternProperties) {
    const inner = Object.values(s.patternProperties ?? {})[0] as TSchema | undefined;
    return inner ? Object.entries(value).flatMap(([k, v]) => strippedFields(inner, refs, v, `${path}/${k}`)) : [];
  }
  const props = s.properties as Record<string, TSchema> | undefined;
  if (!props) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key in props) out.push(...strippedFields(props[key], refs, v, `${path}/${key}`));
    else if (s.additionalProperties !== true) out.push(`${path}/${key}: not in the schema (the response would drop it)`);
  }
  return out;
}

function resolve(schema: TSchema, refs: TSchema[]): TSchema {
  if (typeof schema.$ref !== 'string') return schema;
  const target = refs.find((r) => r.$id === schema.$ref);
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}: pass its schema in refs`);
  return resolve(target, refs);
}

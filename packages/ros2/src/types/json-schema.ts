/**
 * JSON Schema (draft 2020-12) of a message type's JSON form (README-types.md). Nested messages go
 * to `$defs` (keys `pkg.msg.Name`) or are inlined on request. Every object schema carries
 * `x-ros-type`; constants are listed in `description` and in `x-ros-constants`.
 */
import type { MessageDefinitionField, MessageType, TypeGraph } from './model.js';
import { FLOAT32_MAX, INTEGER_RANGES, isWideInteger } from './primitives.js';
import { jsonToWire, wireToJson } from './json-codec.js';

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** Options of {@link messageJsonSchema}. */
export interface JsonSchemaOptions {
  /** Inline nested types instead of `$ref`s into `$defs` (for embedding the schema elsewhere). */
  inline?: boolean;
}

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The strings that stand for non-finite float values in the JSON form. */
const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];
const BASE64_PATTERN = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/** `pkg/msg/Name` → the `$defs` key `pkg.msg.Name` (no `/`, so no JSON-pointer escaping). */
const defsKey = (typeName: string): string => typeName.replace(/\//g, '.');

/** The JSON Schema of a resolved message type. */
export function messageJsonSchema(type: MessageType, opts: JsonSchemaOptions = {}): JsonSchema {
  const constants = new Map(type.definitions.map((d) => [d.name ?? '', d.definitions.filter((f) => f.isConstant === true)]));
  const builder = new SchemaBuilder(type.graph, constants, opts.inline === true);
  const root = builder.object(type.name);
  const schema: JsonSchema = { $schema: JSON_SCHEMA_DIALECT, title: type.name, ...root };
  if (builder.defs.size > 0) schema.$defs = Object.fromEntries([...builder.defs].sort(([a], [b]) => a.localeCompare(b)));
  return schema;
}

class SchemaBuilder {
  readonly defs = new Map<string, JsonSchema>();

  constructor(
    readonly graph: TypeGraph,
    readonly constants: ReadonlyMap<string, readonly MessageDefinitionField[]>,
    readonly inline: boolean,
  ) {}

  object(typeName: string): JsonSchema {
    const fields = this.graph.get(typeName) ?? [];
    const properties: Record<string, JsonSchema> = {};
    const defaults = wireToJson(jsonToWire({}, fields, this.graph), fields, this.graph);
    for (const field of fields) {
      // Nested messages carry their defaults in their own properties.
      properties[field.name] = field.isComplex === true ? this.field(field) : { ...this.field(field), default: defaults[field.name] };
    }
    const schema: JsonSchema = { type: 'object', 'x-ros-type': typeName, properties, additionalProperties: false };
    const consts = this.constants.get(typeName) ?? [];
    if (consts.length > 0) {
      schema.description = `Constants: ${consts.map((c) => `${c.name}=${c.valueText ?? String(c.value)}`).join(', ')}`;
      schema['x-ros-constants'] = Object.fromEntries(consts.map((c) => [c.name, typeof c.value === 'bigint' ? String(c.value) : c.value]));
    }
    return schema;
  }

  field(field: MessageDefinitionField): JsonSchema {
    const element = this.element(field);
    if (field.isArray !== true) return element;
    const bounds: JsonSchema = {};
    if (field.arrayLength !== undefined) Object.assign(bounds, { minItems: field.arrayLength, maxItems: field.arrayLength });
    if (field.arrayUpperBound !== undefined) bounds.maxItems = field.arrayUpperBound;
    const rosType = `${field.type}${field.arrayLength !== undefined ? `[${field.arrayLength}]` : field.arrayUpperBound !== undefined ? `[<=${field.arrayUpperBound}]` : '[]'}`;
    if (field.type === 'uint8') {
      // Byte arrays are number arrays in the JSON form; a base64 string is also accepted on input
      // (x-medkit-accepts), kept out of `type` because reference clients need one type per field.
      return { type: 'array', items: element, ...bounds, 'x-ros-type': rosType, 'x-medkit-accepts': { type: 'string', contentEncoding: 'base64', pattern: BASE64_PATTERN } };
    }
    return { type: 'array', items: element, ...bounds, 'x-ros-type': rosType };
  }

  element(field: MessageDefinitionField): JsonSchema {
    if (field.isComplex === true) return this.nested(field.type);
    const t = field.type;
    if (t === 'bool') return { type: 'boolean' };
    if (t === 'string' || t === 'wstring') {
      const s: JsonSchema = { type: 'string' };
      if (field.upperBound !== undefined) s.maxLength = field.upperBound;
      if (t === 'wstring') s.description = 'wstring: not supported by the serializer';
      return s;
    }
    if (t === 'float32' || t === 'float64') {
      // One JSON type per field (reference clients break on unions). JSON has no literal for
      // NaN/±Infinity: those values travel as the strings named in x-medkit-non-finite.
      const s: JsonSchema = { type: 'number', format: t === 'float32' ? 'float' : 'double', 'x-ros-type': t, 'x-medkit-non-finite': NON_FINITE };
      return t === 'float32' ? { ...s, minimum: -FLOAT32_MAX, maximum: FLOAT32_MAX } : s;
    }
    const range = INTEGER_RANGES[t];
    if (!range) return { 'x-ros-type': t };
    if (isWideInteger(t)) {
      // One JSON type per field: integer with the OpenAPI format. Values are JSON numbers while
      // exact (|n| ≤ 2^53 − 1); beyond that, and always accepted on input, a decimal string
      // (x-medkit-wide-string), since most JSON parsers would silently round a larger number.
      const min = t === 'uint64' ? 0 : -Number.MAX_SAFE_INTEGER;
      return { type: 'integer', format: t, minimum: min, maximum: Number.MAX_SAFE_INTEGER, 'x-ros-type': t, 'x-medkit-wide-string': { type: 'string', pattern: t === 'uint64' ? '^[0-9]+$' : '^-?[0-9]+$' } };
    }
    return { type: 'integer', minimum: Number(range[0]), maximum: Number(range[1]), 'x-ros-type': t };
  }

  nested(typeName: string): JsonSchema {
    if (this.inline) return this.object(typeName);
    const key = defsKey(typeName);
    if (!this.defs.has(key)) {
      this.defs.set(key, {}); // placeholder first: ROS types cannot recurse, but be safe
      this.defs.set(key, this.object(typeName));
    }
    return { $ref: `#/$defs/${key}` };
  }
}

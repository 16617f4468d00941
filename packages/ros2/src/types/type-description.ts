/**
 * type_description_interfaces/msg/TypeDescription (docs/ros2.md) → `.msg` texts, so a type fetched
 * from a node's `~/get_type_description` service can be registered like a file.
 */

/** type_description_interfaces/msg/FieldType in JSON form (64-bit values as number, string or bigint). */
export interface TypeDescriptionFieldType {
  type_id: number;
  capacity?: number | string | bigint;
  string_capacity?: number | string | bigint;
  nested_type_name?: string;
}

/** type_description_interfaces/msg/Field. */
export interface TypeDescriptionField {
  name: string;
  type: TypeDescriptionFieldType;
  default_value?: string;
}

/** type_description_interfaces/msg/IndividualTypeDescription. */
export interface IndividualTypeDescription {
  type_name: string;
  fields: TypeDescriptionField[];
}

/** type_description_interfaces/msg/TypeDescription. */
export interface TypeDescription {
  type_description: IndividualTypeDescription;
  referenced_type_descriptions?: IndividualTypeDescription[];
}

/** Element type names by FieldType id (ids 1..22; arrays add 48, 96 or 144). */
const BASE_TYPES: Readonly<Record<number, string>> = {
  2: 'int8',
  3: 'uint8',
  4: 'int16',
  5: 'uint16',
  6: 'int32',
  7: 'uint32',
  8: 'int64',
  9: 'uint64',
  10: 'float32',
  11: 'float64',
  13: 'char',
  15: 'bool',
  16: 'byte',
  17: 'string',
  18: 'wstring',
  19: 'string',
  20: 'wstring',
  21: 'string',
  22: 'wstring',
};
const BOUNDED_STRINGS = new Set([19, 20, 21, 22]);
const NESTED = 1;
const FIXED_ARRAY = 48;
const BOUNDED_SEQUENCE = 96;
const UNBOUNDED_SEQUENCE = 144;

/** The hidden member rosidl gives empty structures; left out so the JSON form stays `{}`. */
const PLACEHOLDER_MEMBER = 'structure_needs_at_least_one_member';

/** One `.msg` line of a TypeDescription field. Throws on ids with no `.msg` equivalent. */
function fieldLine(field: TypeDescriptionField): string {
  const id = field.type.type_id;
  const group = id > UNBOUNDED_SEQUENCE ? UNBOUNDED_SEQUENCE : id > BOUNDED_SEQUENCE ? BOUNDED_SEQUENCE : id > FIXED_ARRAY ? FIXED_ARRAY : 0;
  const base = id - group;
  let type: string;
  if (base === NESTED) {
    if (!field.type.nested_type_name) throw new Error(`field '${field.name}' is nested but names no type`);
    type = field.type.nested_type_name;
  } else {
    const name = BASE_TYPES[base];
    if (!name) throw new Error(`field '${field.name}' has type id ${id}, which has no .msg equivalent`);
    type = name;
    const bound = Number(field.type.string_capacity ?? 0);
    if (BOUNDED_STRINGS.has(base) && bound > 0) type += `<=${bound}`;
  }
  const capacity = Number(field.type.capacity ?? 0);
  if (group === FIXED_ARRAY) type += `[${capacity}]`;
  else if (group === BOUNDED_SEQUENCE) type += `[<=${capacity}]`;
  else if (group === UNBOUNDED_SEQUENCE) type += '[]';
  const def = field.default_value ?? '';
  return def.length > 0 ? `${type} ${field.name} ${def}` : `${type} ${field.name}`;
}

/** The `.msg` text of one IndividualTypeDescription. */
function individualToMsgText(desc: IndividualTypeDescription): string {
  const fields = desc.fields.filter((f, _i, all) => !(all.length === 1 && f.name === PLACEHOLDER_MEMBER));
  return fields.map(fieldLine).join('\n') + '\n';
}

/** Every type in a TypeDescription (main and referenced) as `[typeName, msgText]`. */
export function typeDescriptionToMsgTexts(desc: TypeDescription): Array<[string, string]> {
  const all = [desc.type_description, ...(desc.referenced_type_descriptions ?? [])];
  return all.map((d) => [d.type_name, individualToMsgText(d)]);
}

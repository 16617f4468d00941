/**
 * A resolved type → type_description_interfaces/msg/TypeDescription, and its RIHS01 hash (ros2-wire
 * docs/ros2.md): SHA-256 over the description rendered as Python's `json.dumps` does (", " and ": "
 * separators), default values left out, referenced types sorted by name. Iron+ endpoints carry it in
 * USER_DATA as `typehash=RIHS01_<hex>;`.
 */
import { createHash } from 'node:crypto';
import type { MessageDefinitionField, MessageType } from './model.js';
import type { IndividualTypeDescription, TypeDescription, TypeDescriptionField } from './type-description.js';

const TYPE_IDS: Readonly<Record<string, number>> = {
  int8: 2,
  uint8: 3,
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  int64: 8,
  uint64: 9,
  float32: 10,
  float64: 11,
  bool: 15,
  byte: 16,
  string: 17,
  wstring: 18,
};
const BOUNDED_STRING = 21;
const BOUNDED_WSTRING = 22;
const NESTED = 1;
const FIXED_ARRAY = 48;
const BOUNDED_SEQUENCE = 96;
const UNBOUNDED_SEQUENCE = 144;

/**
 * Base type names as written in a `.msg` text, in the order the parser returns fields (one per
 * non-empty, non-comment line). The parser reads `byte` and `char` as `uint8`. The type
 * description keeps `byte` apart (FIELD_TYPE_BYTE, from IDL `octet`) but not `char`: rosidl_adapter
 * turns a `.msg` `char` into IDL `uint8`, so it is described as FIELD_TYPE_UINT8 (3; arrays 51, 99,
 * 147). FIELD_TYPE_CHAR (13) and FIELD_TYPE_WCHAR (14) only come from `.idl` files, which medkit does
 * not read; descriptions fetched from a node keep whatever ids they carry (registry.ts).
 */
function writtenBaseTypes(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => (l.split(/\s/)[0] ?? '').replace(/\[.*$/, '').replace(/<=\d+$/, ''));
}

function describeField(field: MessageDefinitionField, written: string | undefined): TypeDescriptionField {
  let typeId: number;
  let stringCapacity = 0;
  let nested = '';
  if (field.isComplex === true) {
    typeId = NESTED;
    nested = field.type;
  } else if ((field.type === 'string' || field.type === 'wstring') && field.upperBound !== undefined) {
    typeId = field.type === 'string' ? BOUNDED_STRING : BOUNDED_WSTRING;
    stringCapacity = field.upperBound;
  } else {
    const name = field.type === 'uint8' && written === 'byte' ? 'byte' : field.type;
    typeId = TYPE_IDS[name] ?? 0;
  }
  let capacity = 0;
  if (field.isArray === true) {
    if (field.arrayLength !== undefined) {
      typeId += FIXED_ARRAY;
      capacity = field.arrayLength;
    } else if (field.arrayUpperBound !== undefined) {
      typeId += BOUNDED_SEQUENCE;
      capacity = field.arrayUpperBound;
    } else {
      typeId += UNBOUNDED_SEQUENCE;
    }
  }
  return { name: field.name, type: { type_id: typeId, capacity, string_capacity: stringCapacity, nested_type_name: nested }, default_value: '' };
}

/** The IndividualTypeDescription of one resolved type (empty types get rosidl's placeholder member). */
function individualDescription(type: MessageType): IndividualTypeDescription {
  const written = writtenBaseTypes(type.text);
  const parsedOrder = type.definitions[0].definitions; // constants and fields, in text order
  const fields = parsedOrder
    .map((f, i) => [f, written[i]] as const)
    .filter(([f]) => f.isConstant !== true)
    .map(([f, w]) => describeField(f, w));
  if (fields.length === 0) {
    fields.push({ name: 'structure_needs_at_least_one_member', type: { type_id: 3, capacity: 0, string_capacity: 0, nested_type_name: '' }, default_value: '' });
  }
  return { type_name: type.name, fields };
}

const byTypeName = (a: IndividualTypeDescription, b: IndividualTypeDescription): number =>
  a.type_name < b.type_name ? -1 : a.type_name > b.type_name ? 1 : 0;

/** The descriptions of every type the given ones refer to (themselves included), once each. */
function describeAll(types: readonly MessageType[], resolve: (name: string) => MessageType): Map<string, IndividualTypeDescription> {
  const out = new Map<string, IndividualTypeDescription>();
  for (const t of types) {
    for (const d of t.definitions) {
      const name = d.name ?? '';
      if (!out.has(name)) out.set(name, individualDescription(name === t.name ? t : resolve(name)));
    }
  }
  return out;
}

/** The TypeDescription of a type: itself plus every referenced type, sorted by name. */
export function typeDescriptionOf(type: MessageType, resolve: (name: string) => MessageType): TypeDescription {
  const all = describeAll([type], resolve);
  all.delete(type.name);
  return { type_description: individualDescription(type), referenced_type_descriptions: [...all.values()].sort(byTypeName) };
}

/** The type every service's implicit `<Name>_Event` message starts with. */
export const SERVICE_EVENT_INFO = 'service_msgs/msg/ServiceEventInfo';

function nestedField(name: string, typeName: string, typeId: number, capacity: number): TypeDescriptionField {
  return { name, type: { type_id: typeId, capacity, string_capacity: 0, nested_type_name: typeName }, default_value: '' };
}

/**
 * The TypeDescription of a service (`pkg/srv/X`, or an action's `X_SendGoal` / `X_GetResult`) as
 * rosidl_generator_type_description builds it: a structure with `request_message`, `response_message`
 * and `event_message`, the last of the implicit type `X_Event` (`info`, then the request and the
 * response each as a sequence of at most one). This is the hash rmw_zenoh puts in its key expressions;
 * the DDS rmws announce the request's and the response's own hashes on their two endpoints instead.
 */
export function serviceTypeDescriptionOf(
  name: string,
  request: MessageType,
  response: MessageType,
  resolve: (name: string) => MessageType,
): TypeDescription {
  const event: IndividualTypeDescription = {
    type_name: `${name}_Event`,
    fields: [
      nestedField('info', SERVICE_EVENT_INFO, NESTED, 0),
      nestedField('request', request.name, NESTED + BOUNDED_SEQUENCE, 1),
      nestedField('response', response.name, NESTED + BOUNDED_SEQUENCE, 1),
    ],
  };
  const referenced = describeAll([request, response, resolve(SERVICE_EVENT_INFO)], resolve);
  referenced.set(event.type_name, event);
  const main: IndividualTypeDescription = {
    type_name: name,
    fields: [
      nestedField('request_message', request.name, NESTED, 0),
      nestedField('response_message', response.name, NESTED, 0),
      nestedField('event_message', event.type_name, NESTED, 0),
    ],
  };
  return { type_description: main, referenced_type_descriptions: [...referenced.values()].sort(byTypeName) };
}

/** `RIHS01_<sha256 hex>` of a TypeDescription. */
export function rihs01(desc: TypeDescription): string {
  const strip = (d: IndividualTypeDescription) => ({
    type_name: d.type_name,
    fields: d.fields.map((f) => ({
      name: f.name,
      type: {
        type_id: f.type.type_id,
        capacity: Number(f.type.capacity ?? 0),
        string_capacity: Number(f.type.string_capacity ?? 0),
        nested_type_name: f.type.nested_type_name ?? '',
      },
    })),
  });
  const canonical = {
    type_description: strip(desc.type_description),
    referenced_type_descriptions: (desc.referenced_type_descriptions ?? []).map(strip),
  };
  return `RIHS01_${createHash('sha256').update(pythonJson(canonical)).digest('hex')}`;
}

/** JSON with Python `json.dumps` default separators; type names are ASCII, so escaping agrees. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

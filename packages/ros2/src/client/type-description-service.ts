/**
 * Our side of runtime type lookup: a node's `~/get_type_description` (Jazzy+, ros2-wire §5.5)
 * answered from the type registry, so other nodes (and other medkit processes) can learn types
 * only we know.
 */
import type { MessageDefinitionField } from '@foxglove/message-definition';
import { TYPE_DESCRIPTION_SERVICE } from '../names/index.js';
import type { IndividualTypeDescription, MessageType, TypeDescription, TypeRegistry } from '../types/index.js';
import type { RosNode } from './node.js';
import type { ServiceServer } from '../services/service-server.js';

const BASE_IDS: Readonly<Record<string, number>> = {
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
  string: 17,
  wstring: 18,
};

function fieldType(f: MessageDefinitionField): { type_id: number; capacity: number; string_capacity: number; nested_type_name: string } {
  const nested = f.isComplex === true;
  let id = nested ? 1 : (BASE_IDS[f.type] ?? 0);
  const stringBound = !nested && f.upperBound !== undefined ? f.upperBound : 0;
  if (stringBound > 0) id = f.type === 'wstring' ? 22 : 21;
  let capacity = 0;
  if (f.isArray) {
    if (f.arrayLength !== undefined) {
      id += 48;
      capacity = f.arrayLength;
    } else if (f.arrayUpperBound !== undefined) {
      id += 96;
      capacity = f.arrayUpperBound;
    } else id += 144;
  }
  return { type_id: id, capacity, string_capacity: stringBound, nested_type_name: nested ? f.type : '' };
}

/** A resolved message type as type_description_interfaces/msg/TypeDescription. */
export function typeDescriptionOf(t: MessageType): TypeDescription {
  const all: IndividualTypeDescription[] = t.definitions.map((d) => {
    const fields = d.definitions.filter((f) => f.isConstant !== true);
    return {
      type_name: d.name ?? '',
      fields:
        fields.length > 0
          ? fields.map((f) => ({ name: f.name, type: fieldType(f), default_value: '' }))
          : [{ name: 'structure_needs_at_least_one_member', type: { type_id: 3, capacity: 0, string_capacity: 0, nested_type_name: '' }, default_value: '' }],
    };
  });
  return { type_description: all[0], referenced_type_descriptions: all.slice(1).sort((a, b) => (a.type_name < b.type_name ? -1 : 1)) };
}

/** Serves `<node>/get_type_description` from `types`. */
export function serveTypeDescription(node: RosNode, types: TypeRegistry): ServiceServer {
  return node.createService(`~/${TYPE_DESCRIPTION_SERVICE.suffix}`, TYPE_DESCRIPTION_SERVICE.type, (r) => {
    const name = String(r.type_name);
    const t = types.message(name);
    if (!t) return { successful: false, failure_reason: `type '${name}' is not known to this node` };
    return { successful: true, failure_reason: '', type_description: typeDescriptionOf(t), type_sources: [], extra_information: [] };
  });
}

// Node parameters → hint (docs/beacons.md): the names under the prefix and their types. Wrong types and
// unknown names are skipped silently.
import type { RawHint } from '../common/hint.js';

/** One parameter value as read from a node (ParameterType numbers of rcl_interfaces). */
export interface ParamValue {
  name: string;
  type: number;
  value: unknown;
}

const INTEGER = 2;
const STRING = 4;
const STRING_ARRAY = 9;

const STRING_FIELDS = ['entity_id', 'stable_id', 'display_name', 'component_id', 'transport_type', 'negotiated_format', 'process_name', 'hostname'] as const;
const LIST_FIELDS = ['function_ids', 'depends_on'] as const;

/** The raw hint in the parameters under `prefix` (without the trailing dot); undefined without `entity_id`. */
export function hintFromParameters(prefix: string, params: readonly ParamValue[]): RawHint | undefined {
  const p = `${prefix}.`;
  const raw: RawHint = {};
  const metadata: { key: string; value: string }[] = [];
  for (const { name, type, value } of params) {
    if (!name.startsWith(p)) continue;
    const key = name.slice(p.length);
    if ((STRING_FIELDS as readonly string[]).includes(key)) {
      if (type === STRING && typeof value === 'string') raw[key as (typeof STRING_FIELDS)[number]] = value;
    } else if ((LIST_FIELDS as readonly string[]).includes(key)) {
      if (type === STRING_ARRAY && Array.isArray(value)) raw[key as (typeof LIST_FIELDS)[number]] = value;
    } else if (key === 'process_id') {
      // int64 on the wire: accepted only in 0..2^32−1 (validation checks the range without float arithmetic).
      if (type === INTEGER && (typeof value === 'number' || typeof value === 'bigint')) raw.process_id = value;
    } else if (key.startsWith('metadata.')) {
      if (type === STRING && typeof value === 'string') metadata.push({ key: key.slice('metadata.'.length), value });
    }
  }
  if (raw.entity_id === undefined) return undefined;
  if (metadata.length > 0) raw.metadata = metadata;
  return raw;
}

// The bodies the plugin answers for its items: `x-plc-data` items, the `set_<data_name>` operations and
// their results (docs/opcua.md).
import type { ItemState } from './items.js';

export const SET_PREFIX = 'set_';

/** The answer of a `set_<data_name>` operation (docs/opcua.md). */
export interface SetResult {
  status: 'success';
  operation: string;
  node_id: string;
  value_written: unknown;
}

/** One item of `x-plc-data`. */
export interface PlcItem {
  name: string;
  value: unknown;
  unit?: string;
  data_type?: string;
  writable: boolean;
  status_code?: string;
  source_timestamp?: string;
}

/** The `x-plc-data` body of an entity. */
export interface PlcData {
  entity_id: string;
  connected: boolean;
  timestamp: string;
  items: PlcItem[];
}

export function plcItem(i: ItemState): PlcItem {
  return {
    name: i.node.data_name,
    value: i.value ?? null,
    ...(i.node.unit ? { unit: i.node.unit } : {}),
    ...(i.type ? { data_type: i.type } : i.dataTypeId ? { data_type: i.dataTypeId } : {}),
    writable: i.node.writable,
    ...(i.status ? { status_code: i.status } : {}),
    ...(i.sourceTimestamp ? { source_timestamp: i.sourceTimestamp } : {}),
  };
}

/** The operation item of `set_<data_name>`. */
export function setOperation(i: ItemState): Record<string, unknown> {
  const { node } = i;
  return {
    id: `${SET_PREFIX}${node.data_name}`,
    name: `Set ${node.display_name}`,
    proximity_proof_required: false,
    asynchronous_execution: false,
    'x-medkit': {
      opcua: { node_id: node.node_id, ...(i.type ? { data_type: i.type } : {}) },
      data_id: node.data_name,
      parameters: { value: { required: true, ...(node.min_value !== undefined ? { min_value: node.min_value } : {}), ...(node.max_value !== undefined ? { max_value: node.max_value } : {}), ...(node.unit ? { unit: node.unit } : {}) } },
    },
  };
}

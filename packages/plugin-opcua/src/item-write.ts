// The one write path of the plugin (`/data`, the `set_<name>` operations, `x-plc-operations`): what is
// refused before anything is sent, and how the server's answer maps to the client's error.
import { type JsonValue, PluginError, PluginTimeoutError } from '@medkit/plugin-api';
import { LIMITS } from './config.js';
import type { OpcuaConnection } from './connection.js';
import type { ItemState } from './items.js';
import type { OpcuaLib } from './lib.js';
import { WRITE_OUTCOME_UNKNOWN } from './errors.js';
import { remoteFailure } from './remote-failure.js';
import { jsonToValue, ValueTypeError, withinRange } from './values.js';
import type { WriteChecks } from './write-checks.js';

/** Status codes of a write the server refuses on access grounds (403). */
const REFUSED = ['BadNotWritable', 'BadUserAccessDenied', 'BadWriteNotSupported'];
/** Status codes of a write the server finds invalid (400). */
const INVALID = ['BadTypeMismatch', 'BadOutOfRange'];

/** What a write needs of the plugin: the live connection, the library, the checks of unanswered writes. */
export interface WritePort {
  conn: OpcuaConnection | undefined;
  connected: boolean;
  lib: OpcuaLib;
  writeChecks: WriteChecks;
  requestTimeoutMs: number;
  /** Refuses an item whose server type does not fit its declaration. */
  refuseMismatch(item: ItemState): void;
}

/**
 * Writes one item's Value: refused with a 4xx before anything is sent when the item is read-only, the
 * value does not fit the node's DataType or lies outside min_value/max_value; the server's refusal mapped
 * to 403/400/502.
 */
export async function writeItem(port: WritePort, item: ItemState, value: JsonValue): Promise<void> {
  const { node } = item;
  const name = node.data_name;
  if (!node.writable) throw new PluginError('x-medkit-opcua-read-only', `'${name}' is read-only (writable is not set in the node map)`, 400, { data_id: name });
  if (!port.connected) throw new PluginError('service-unavailable', `Cannot write '${name}': not connected to the OPC-UA server`, 503, { data_id: name, connected: false });
  port.refuseMismatch(item);
  if (!item.type) {
    throw new PluginError('invalid-parameter', `'${name}' has DataType ${item.dataTypeId ?? 'unknown'}; writes support Boolean, integers, Float, Double and String`, 400, { data_id: name });
  }
  let v: unknown;
  try {
    v = jsonToValue(item.type, value, LIMITS.stringValue);
  } catch (err) {
    if (err instanceof ValueTypeError) throw new PluginError('invalid-parameter', `${name}: ${err.message}`, 400, { data_id: name, expected_type: err.expected });
    throw err;
  }
  if (!withinRange(item.type, value, node.min_value, node.max_value)) {
    throw new PluginError('invalid-parameter', `${name}: ${String(value)} is outside ${node.min_value ?? '-∞'}…${node.max_value ?? '∞'}`, 400, { data_id: name, min_value: node.min_value, max_value: node.max_value });
  }
  const type = item.type;
  const { lib } = port;
  let status;
  try {
    status = await port.conn!.call('write', (s) => s.write({ nodeId: node.node_id, attributeId: lib.AttributeIds.Value, value: { value: { dataType: lib.DataType[type], arrayType: lib.VariantArrayType.Scalar, value: v } } }));
  } catch (err) {
    if (err instanceof PluginTimeoutError) {
      // Sent but unanswered: the server may still apply it. Said as such, and read back once it answers.
      port.writeChecks.add(name, node.node_id, value);
      throw PluginError.of(WRITE_OUTCOME_UNKNOWN, [name, port.requestTimeoutMs], { data_id: name, node_id: node.node_id, value_sent: value });
    }
    throw remoteFailure(err, `writing ${name}`);
  }
  if (status.isNotGood()) {
    const refused = REFUSED.includes(status.name);
    const invalid = INVALID.includes(status.name);
    throw new PluginError(
      refused ? 'x-medkit-opcua-write-refused' : invalid ? 'invalid-parameter' : 'x-medkit-opcua-bad-status',
      `The OPC-UA server refused the write of ${name}: ${status.name}`,
      refused ? 403 : invalid ? 400 : 502,
      { data_id: name, node_id: node.node_id, status_code: status.name },
    );
  }
}

// The node map's `data_type` (docs/opcua.md "Declared data types") against the node's
// DataType on the server. The declaration is a contract with the PLC program: a node whose server type does
// not fit it is refused at connect (its reads and writes answer 502 naming both types), instead of values of
// an unexpected type flowing into faults, topics and writes.
import type { BuiltinName } from './values.js';

export const DECLARED_TYPES = ['bool', 'int', 'string', 'double'] as const;
export type DeclaredType = (typeof DECLARED_TYPES)[number];

const INTEGERS: readonly BuiltinName[] = ['SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64'];
/** Types whose every value a double holds exactly (so not the 64-bit integers). */
const DOUBLES: readonly BuiltinName[] = ['Float', 'Double', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32'];

const FITS: Record<DeclaredType, readonly BuiltinName[]> = {
  bool: ['Boolean'],
  int: INTEGERS,
  string: ['String'],
  double: DOUBLES,
};

/** Whether a server built-in type serves a declared type. */
export function fitsDeclared(declared: DeclaredType, server: BuiltinName): boolean {
  return FITS[declared].includes(server);
}

/** The type a node's configuration expects: its `data_type`, or `int` for a register fault mode. */
export function expectedType(node: { data_type?: DeclaredType; register_faults?: unknown }): DeclaredType | undefined {
  return node.data_type ?? (node.register_faults ? 'int' : undefined);
}

/** Why a server type does not serve the node's configuration, or undefined when it does (or nothing is expected). */
export function typeMismatch(node: { data_type?: DeclaredType; register_faults?: unknown }, server: BuiltinName | undefined, serverTypeId: string | undefined): string | undefined {
  const want = expectedType(node);
  if (!want || (server && fitsDeclared(want, server))) return undefined;
  const what = node.data_type ? `data_type ${want}` : 'its status_bits/fault_enum (an integer register)';
  return `the node map declares ${what}, the server's DataType is ${server ?? serverTypeId ?? 'unknown'}`;
}

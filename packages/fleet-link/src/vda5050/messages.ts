// VDA 5050 2.x `state` and `connection` messages built from the gateway's active faults (docs/fleet.md,
// docs/fleet.md). medkit is not the vehicle controller: it contributes `errors[]` (a FATAL level makes the master
// control route around the vehicle); order, node, edge, action, battery and motion fields carry neutral values
// that say "nothing known", so a master control that merges several state sources can take errors[] from us.
import type { FaultRecord } from '@medkit/faults';

export interface Vda5050Header {
  /** Protocol version of the messages, e.g. `2.0.0`. */
  version: string;
  manufacturer: string;
  serialNumber: string;
}

interface Vda5050ErrorReference {
  referenceKey: string;
  referenceValue: string;
}

interface Vda5050Error {
  errorType: string;
  errorLevel: 'WARNING' | 'FATAL';
  errorReferences: Vda5050ErrorReference[];
  errorDescription: string;
}

interface Vda5050State extends Vda5050Header {
  headerId: number;
  timestamp: string;
  orderId: string;
  orderUpdateId: number;
  lastNodeId: string;
  lastNodeSequenceId: number;
  nodeStates: unknown[];
  edgeStates: unknown[];
  driving: boolean;
  actionStates: unknown[];
  batteryState: { batteryCharge: number; charging: boolean };
  operatingMode: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL' | 'SERVICE' | 'TEACHIN';
  errors: Vda5050Error[];
  information: unknown[];
  safetyState: { eStop: 'AUTOACK' | 'MANUAL' | 'REMOTE' | 'NONE'; fieldViolation: boolean };
}

export type ConnectionState = 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN';

interface Vda5050Connection extends Vda5050Header {
  headerId: number;
  timestamp: string;
  connectionState: ConnectionState;
}

/** `<interface>/<major>/<manufacturer>/<serial>/<topic>` (VDA 5050 2.x docs/fleet.md). */
export function vdaTopic(interfaceName: string, majorVersion: string, h: Vda5050Header, topic: 'state' | 'connection'): string {
  return `${interfaceName}/${majorVersion}/${h.manufacturer}/${h.serialNumber}/${topic}`;
}

/** Active = confirmed (SOVD aggregatedStatus `active`). */
export function isActive(f: FaultRecord): boolean {
  return f.status === 'CONFIRMED';
}

/** Bounds of one error, so a state stays small whatever the faults carry (docs/fleet.md, VDA 5050). */
export const MAX_REFERENCES = 8;
const MAX_REFERENCE_CHARS = 128;
export const MAX_DESCRIPTION_CHARS = 512;
/** errorType of the one extra error that stands for the active faults past `vda5050.max_errors`. */
export const MORE_ERRORS_TYPE = 'MEDKIT_MORE_ACTIVE_FAULTS';

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** docs/fleet.md: errorType = fault code, WARNING for severity ≤ 1 else FATAL, references = entity ids. */
export function faultToError(f: FaultRecord, entityIds: readonly string[]): Vda5050Error {
  const refs: Vda5050ErrorReference[] = entityIds.slice(0, MAX_REFERENCES).map((id) => ({ referenceKey: 'entity_id', referenceValue: cut(id, MAX_REFERENCE_CHARS) }));
  // Without a known entity, the reporting ROS nodes still tell the operator where to look.
  if (refs.length === 0) for (const s of f.reporting_sources.slice(0, MAX_REFERENCES)) refs.push({ referenceKey: 'ros_node', referenceValue: cut(s, MAX_REFERENCE_CHARS) });
  return { errorType: cut(f.fault_code, MAX_REFERENCE_CHARS), errorLevel: f.severity <= 1 ? 'WARNING' : 'FATAL', errorReferences: refs, errorDescription: cut(f.description, MAX_DESCRIPTION_CHARS) };
}

/**
 * errors[] of a state: at most `max` faults, the most severe first (then the most recent), and past the bound one
 * more error saying how many were left out and where to find them, so a master control still sees them counted.
 */
export function stateErrors(active: readonly FaultRecord[], max: number, entityIds: (f: FaultRecord) => readonly string[]): Vda5050Error[] {
  const ordered = [...active].sort((a, b) => b.severity - a.severity || (a.last_occurred_ns < b.last_occurred_ns ? 1 : a.last_occurred_ns > b.last_occurred_ns ? -1 : 0) || (a.fault_code < b.fault_code ? -1 : 1));
  const errors = ordered.slice(0, max).map((f) => faultToError(f, entityIds(f)));
  const left = ordered.length - errors.length;
  if (left > 0) {
    const fatal = ordered.slice(max).some((f) => f.severity > 1);
    errors.push({ errorType: MORE_ERRORS_TYPE, errorLevel: fatal ? 'FATAL' : 'WARNING', errorReferences: [{ referenceKey: 'omitted_count', referenceValue: String(left) }], errorDescription: `${left} more active faults are not listed (vda5050.max_errors = ${max}); GET /api/v1/faults on the robot's gateway lists them all` });
  }
  return errors;
}

export function buildState(h: Vda5050Header, headerId: number, errors: Vda5050Error[], now: Date = new Date()): Vda5050State {
  return {
    headerId,
    timestamp: now.toISOString(),
    ...h,
    orderId: '',
    orderUpdateId: 0,
    lastNodeId: '',
    lastNodeSequenceId: 0,
    nodeStates: [],
    edgeStates: [],
    driving: false,
    actionStates: [],
    batteryState: { batteryCharge: 0, charging: false },
    operatingMode: 'AUTOMATIC',
    errors,
    information: [],
    // The safety controller owns eStop and field violations; medkit reports them as errors, never as eStop.
    safetyState: { eStop: 'NONE', fieldViolation: false },
  };
}

export function buildConnection(h: Vda5050Header, headerId: number, state: ConnectionState, now: Date = new Date()): Vda5050Connection {
  return { headerId, timestamp: now.toISOString(), ...h, connectionState: state };
}

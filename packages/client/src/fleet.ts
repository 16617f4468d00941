// The fleet's API (`medkit fleet`, docs/fleet.md): SOVD-shaped, but served by a different program than
// the robot gateway whose OpenAPI document generates `generated.ts`. Its list bodies are the fleet contract's
// types (@medkit/fleet-protocol/rest), which packages/fleet/src/routes.ts builds; what is added here is the query
// shapes, the fault detail (the robot gateway's environment data) and the stream events. The calls go through MedkitClient
// (same deadline, token, errors), and the live stream through the same reconnecting SSE reader.
import type { FaultDetail } from './types.js';
import type { FleetFault } from '@medkit/fleet-protocol/rest';
export type { FleetRobot, FleetRobotDetail, FleetFault, FleetFaultPage, FleetFaultCode, FleetFaultCodePage, FleetRobotEntity, FleetSovdFaultStatus } from '@medkit/fleet-protocol/rest';
import type { SseMessage } from '@medkit/sovd';
// Type only (erased from the bundle): the envelope module of the wire contract imports nothing.
import type { FaultEventBody } from '@medkit/fleet-protocol/envelope';

/** Filters and paging of the fleet's `GET /faults`; every field is optional. */
export interface FleetFaultQuery {
  /** Robot ids (sent comma-separated). */
  robot?: string[];
  /** Glob: `*` any run, `?` one character. */
  fault_code?: string;
  /** Minimum severity: info, warning, error, critical or 0–3. */
  severity?: string;
  /** pending, confirmed, cleared, healed or all (default pending + confirmed). */
  status?: string;
  /** ISO 8601; on the last occurrence. */
  since?: string;
  until?: string;
  /** 1–1000 (default 100). */
  limit?: number;
  /** `x-medkit.next_cursor` of the previous page. */
  cursor?: string;
}

/** Filters of the fleet's `GET /x-medkit-fault-codes`; every field is optional. */
export interface FleetFaultCodeQuery {
  /** Robot ids (sent comma-separated). */
  robot?: string[];
  /** Glob: `*` any run, `?` one character. */
  fault_code?: string;
  /** active (pending and confirmed), pending, confirmed, cleared, healed or all (the default). */
  status?: string;
  /** Whole hours of the trend, 1–168 (default 24). */
  hours?: number;
  /** Codes per answer, 1–500 (default 100). */
  limit?: number;
}

/** `GET /components/{robot}/faults/{code}` (fleet): the stored fault, with the robot's environment data when it could give it. */
export interface FleetRobotFaultDetail {
  item: FleetFault;
  /** From the robot's gateway, `bulk_data_uri` links re-addressed to the fleet. */
  environment_data?: FaultDetail['environment_data'];
  'x-medkit': FleetFault['x-medkit'] & {
    environment_data: 'robot' | 'unavailable';
    /** The fleet's id of the robot entity that holds the fault (`<robot>__<id>`), when the robot named it. */
    robot_entity_id?: string | null;
    /** Why the robot's part is missing (502 unreachable or offline, 504 too slow, or the robot's own answer). */
    robot_error?: { error_code: string; vendor_code?: string; status: number; message: string };
  };
}

/** The body of a fleet fault event (what the robot published): the fleet wire contract's `faults` body. */
export type FleetFaultEventBody = FaultEventBody;

/** One event of the fleet's `GET /faults/stream`. */
export interface FleetFaultEvent {
  /**
   * `<resume point>.<robot>.<robot seq>` (docs/fleet.md, "Event ids"): the stream sequence a resume goes on from, and
   * the event. An event the fleet's fast path brought first carries the resume point the client had; its JetStream
   * copy follows as an id-only frame, which moves the stream's `lastEventId` without an event. Older fleets sent the
   * stream sequence alone, and nothing on a fast-path event.
   */
  id?: string;
  event_type: FleetFaultEventBody['event_type'];
  robot_id: string;
  /** ISO 8601, when the robot published it. */
  timestamp: string;
  fault: FleetFaultEventBody;
  /**
   * `event_id` (`<robot>:<seq>`) names the event on both paths, `seq` is the robot's sequence number: a resumed stream
   * may repeat one the fast path brought (`fleetFaultStream` drops those, FleetEventOrder).
   */
  'x-medkit'?: { robot_id: string; event_id?: string; seq?: number };
}

/**
 * `event: x-medkit-resync`: the fleet cannot honour the resume point (events after it are gone or the
 * store cannot replay them), so the client's picture may have a gap: list again with `GET /faults`, then
 * carry on with the stream.
 */
export interface FleetResync {
  reason: string;
  [key: string]: unknown;
}

export type FleetStreamEvent = { kind: 'fault'; event: FleetFaultEvent } | { kind: 'resync'; id?: string; resync: FleetResync };

/** SSE event name of a resync request. */
export const FLEET_RESYNC_EVENT = 'x-medkit-resync';

const FAULT_EVENTS: readonly string[] = ['fault_confirmed', 'fault_updated', 'fault_cleared'];

/** Parses a fleet `/faults/stream` message; undefined for other event names (forward compatibility). Malformed data throws. */
export function parseFleetStreamEvent(m: SseMessage): FleetStreamEvent | undefined {
  if (m.event === FLEET_RESYNC_EVENT) {
    const body = JSON.parse(m.data) as Partial<FleetResync> | null;
    const reason = body && typeof body === 'object' && typeof body.reason === 'string' ? body.reason : 'unspecified';
    return { kind: 'resync', id: m.id, resync: { ...(body ?? {}), reason } };
  }
  const body = JSON.parse(m.data) as Partial<FleetFaultEvent> | null;
  const type = body?.event_type ?? m.event;
  if (!FAULT_EVENTS.includes(type)) return undefined;
  if (!body || typeof body.robot_id !== 'string' || !body.fault || typeof body.fault.fault_code !== 'string') throw new Error('fleet fault event without a robot or a fault');
  return { kind: 'fault', event: { ...body, id: m.id, event_type: type as FleetFaultEvent['event_type'], robot_id: body.robot_id, timestamp: String(body.timestamp ?? ''), fault: body.fault } };
}

/** Query parameters of a FleetFaultCodeQuery as sent. */
export function fleetFaultCodeParams(q: FleetFaultCodeQuery): Record<string, string | number | undefined> {
  return { robot: q.robot && q.robot.length > 0 ? q.robot.join(',') : undefined, fault_code: q.fault_code || undefined, status: q.status || undefined, hours: q.hours, limit: q.limit };
}

/** Query parameters of a FleetFaultQuery as sent. */
export function fleetFaultParams(q: FleetFaultQuery): Record<string, string | number | undefined> {
  return {
    robot: q.robot && q.robot.length > 0 ? q.robot.join(',') : undefined,
    fault_code: q.fault_code || undefined,
    severity: q.severity || undefined,
    status: q.status || undefined,
    since: q.since || undefined,
    until: q.until || undefined,
    limit: q.limit,
    cursor: q.cursor || undefined,
  };
}

// The bodies of the fleet's REST answers (docs/fleet.md), written once: packages/fleet's routes build them with
// these types and the typed client (@medkit/client's fleet calls) reads them with the same ones. The fleet serves
// no response schemas, so these types are the contract. Types only: nothing here reaches a bundle.
import type { HealthBody } from './envelope.js';

/** The SOVD status object of a fault (docs/faults.md), derived from the raw status. */
export interface FleetSovdFaultStatus {
  aggregatedStatus: 'active' | 'passive' | 'cleared';
  testFailed: '0' | '1';
  confirmedDTC: '0' | '1';
  pendingDTC: '0' | '1';
}

/** One robot of the fleet (`GET /components` of a fleet). */
export interface FleetRobot {
  id: string;
  name: string;
  href: string;
  'x-medkit': {
    /** Health events arrived within 3 of the robot's own intervals. */
    online: boolean;
    last_seen: string;
    first_seen: string;
    gateway_url: string | null;
    /** The robot's own /health status from its last health event. */
    status: HealthBody['status'] | null;
    /** Codes of the robot's own /health warnings (why it is degraded). */
    warnings: string[];
    /** Fault records the robot holds (its own count, any status). */
    fault_count: number | null;
    /** Faults the fleet holds for the robot as pending or confirmed. */
    active_faults: number;
    /** Worst severity (0–3) among them; null without any. */
    worst_severity: number | null;
    outbox: HealthBody['outbox'] | null;
    /** The robot's newest fault the fleet holds, in any status (its last incident); null when it never had one. */
    last_fault: { fault_code: string; severity: number; status: string; last_occurred: string } | null;
  };
}

/** `GET /components/{robot}` (fleet): the robot with its resources and its last health event. */
export interface FleetRobotDetail extends Omit<FleetRobot, 'x-medkit'> {
  subcomponents: string;
  hosts: string;
  faults: string;
  logs: string;
  'x-medkit': FleetRobot['x-medkit'] & { health: HealthBody | null };
}

/** One fault of one robot as the fleet stores it. */
export interface FleetFault {
  code: string;
  fault_name: string;
  severity: number;
  severity_label: string;
  status: FleetSovdFaultStatus;
  'x-medkit': {
    robot_id: string;
    /** PREFAILED, PREPASSED, CONFIRMED, HEALED or CLEARED. */
    status: string;
    occurrence_count: number;
    reporting_sources: string[];
    first_occurred: string;
    last_occurred: string;
    /** The robot's acknowledgement of the fault's current occurrence, when it has one. */
    acknowledgement?: { acknowledged_by: string; acknowledged_at: string; note?: string };
  };
}

/** `GET /faults` and `GET /components/{robot}/faults` (fleet): one page, newest last occurrence first. */
export interface FleetFaultPage {
  items: FleetFault[];
  'x-medkit': { total: number; count: number; next_cursor: string | null };
}

/** One code of the fleet's `GET /x-medkit-fault-codes`: how many robots hold it, and its reports per hour. */
export interface FleetFaultCode {
  code: string;
  /** The description of the newest fault with this code. */
  fault_name: string;
  /** Worst severity (0–3) among the robots' faults with this code. */
  severity: number;
  severity_label: string;
  'x-medkit': {
    /** Robots holding the code under the status filter; of those, robots with it pending or confirmed now. */
    robots: number;
    active_robots: number;
    /** Sum of the robots' occurrence counts. */
    occurrences: number;
    first_seen: string;
    last_seen: string;
    /** Reports per hour of the window, oldest first. */
    trend: number[];
  };
}

/** `GET /x-medkit-fault-codes` (fleet): most active robots first, then newest. */
export interface FleetFaultCodePage {
  items: FleetFaultCode[];
  'x-medkit': {
    /** Codes under the filter (the page holds at most `limit`). */
    total: number;
    count: number;
    window: { start: string; end: string; bucket_sec: number };
    /** False when the window held more reports than one answer reads: the oldest are not counted. */
    trend_complete: boolean;
  };
}

/** One entity of a robot as the fleet lists it (`GET /components/{robot}/{collection}`, from the robot's last snapshot). */
export interface FleetRobotEntity {
  /** `<robot>__<the robot's entity id>`: unique across robots. */
  id: string;
  name: string;
  href: string;
  'x-medkit': { robot_id: string; robot_entity_id: string; parent: string | null };
}

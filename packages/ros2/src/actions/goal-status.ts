/** action_msgs constants and goal id helpers (docs/ros2.md). */
import { randomBytes } from 'node:crypto';
import type { RosTime } from '../client/time.js';

/** action_msgs/msg/GoalStatus values. */
export const GoalStatus = {
  UNKNOWN: 0,
  ACCEPTED: 1,
  EXECUTING: 2,
  CANCELING: 3,
  SUCCEEDED: 4,
  CANCELED: 5,
  ABORTED: 6,
} as const;

/** action_msgs/srv/CancelGoal return codes. */
export const CancelReturnCode = {
  ERROR_NONE: 0,
  ERROR_REJECTED: 1,
  ERROR_UNKNOWN_GOAL_ID: 2,
  ERROR_GOAL_TERMINATED: 3,
} as const;

/** True for SUCCEEDED, CANCELED and ABORTED. */
export function isTerminal(status: number): boolean {
  return status >= GoalStatus.SUCCEEDED;
}

/** A unique_identifier_msgs/msg/UUID in JSON form. */
export interface UuidMsg {
  uuid: number[];
}

/** action_msgs/msg/GoalInfo in JSON form. */
export interface GoalInfoMsg {
  goal_id: UuidMsg;
  stamp: RosTime;
}

/** A fresh random (v4) goal id. */
export function newGoalId(): UuidMsg {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return { uuid: [...b] };
}

/** Goal id as 32 hex characters (map key, logs). */
export function goalIdHex(id: UuidMsg | { uuid: ArrayLike<number> }): string {
  return Buffer.from(Array.from(id.uuid)).toString('hex');
}

/** Goal id from 32 hex characters (or a UUID with dashes). */
export function goalIdFromHex(hex: string): UuidMsg {
  return { uuid: [...Buffer.from(hex.replace(/-/g, ''), 'hex')] };
}

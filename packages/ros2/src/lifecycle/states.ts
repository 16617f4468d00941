/** lifecycle_msgs states and transitions (docs/ros2.md) and the managed-node state machine. */

/** lifecycle_msgs/msg/State ids. */
export const LifecycleState = {
  UNKNOWN: 0,
  UNCONFIGURED: 1,
  INACTIVE: 2,
  ACTIVE: 3,
  FINALIZED: 4,
  CONFIGURING: 10,
  CLEANINGUP: 11,
  SHUTTINGDOWN: 12,
  ACTIVATING: 13,
  DEACTIVATING: 14,
  ERRORPROCESSING: 15,
} as const;

/** lifecycle_msgs/msg/Transition ids of the transitions a client may request. */
export const LifecycleTransition = {
  CONFIGURE: 1,
  CLEANUP: 2,
  ACTIVATE: 3,
  DEACTIVATE: 4,
  UNCONFIGURED_SHUTDOWN: 5,
  INACTIVE_SHUTDOWN: 6,
  ACTIVE_SHUTDOWN: 7,
} as const;

/** A State or Transition message. */
export interface IdLabel {
  id: number;
  label: string;
}

/** lifecycle_msgs/msg/TransitionDescription. */
export interface TransitionDescription {
  transition: IdLabel;
  start_state: IdLabel;
  goal_state: IdLabel;
}

const STATE_LABELS: Record<number, string> = {
  0: 'unknown',
  1: 'unconfigured',
  2: 'inactive',
  3: 'active',
  4: 'finalized',
  10: 'configuring',
  11: 'cleaningup',
  12: 'shuttingdown',
  13: 'activating',
  14: 'deactivating',
  15: 'errorprocessing',
};

export const TRANSITION_LABELS: Record<number, string> = { 1: 'configure', 2: 'cleanup', 3: 'activate', 4: 'deactivate', 5: 'shutdown', 6: 'shutdown', 7: 'shutdown' };

/** A primary transition: from a primary state through a transition state to the goal on success. */
export interface TransitionRule {
  id: number;
  from: number;
  via: number;
  to: number;
  /** Callback that runs it. */
  callback: 'onConfigure' | 'onCleanup' | 'onActivate' | 'onDeactivate' | 'onShutdown';
}

export const TRANSITIONS: readonly TransitionRule[] = [
  { id: 1, from: 1, via: 10, to: 2, callback: 'onConfigure' },
  { id: 2, from: 2, via: 11, to: 1, callback: 'onCleanup' },
  { id: 3, from: 2, via: 13, to: 3, callback: 'onActivate' },
  { id: 4, from: 3, via: 14, to: 2, callback: 'onDeactivate' },
  { id: 5, from: 1, via: 12, to: 4, callback: 'onShutdown' },
  { id: 6, from: 2, via: 12, to: 4, callback: 'onShutdown' },
  { id: 7, from: 3, via: 12, to: 4, callback: 'onShutdown' },
];

export function state(id: number): IdLabel {
  return { id, label: STATE_LABELS[id] ?? 'unknown' };
}

export function describe(t: TransitionRule): TransitionDescription {
  return { transition: { id: t.id, label: TRANSITION_LABELS[t.id] }, start_state: state(t.from), goal_state: state(t.via) };
}

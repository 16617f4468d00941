// Transition plans of the built-in ROS 2 managed-node provider: which lifecycle_msgs transitions a SOVD
// status transition runs, from which state. Pure, so every plan is unit-tested.
//
//   start           unconfigured → configure, activate; inactive → activate
//   restart         active → deactivate, cleanup, configure, activate; inactive → cleanup, configure, activate
//   force-restart   like restart, also from unconfigured (configure, activate); a failing deactivate or
//                   cleanup does not stop it
//   shutdown        active → deactivate, cleanup, shutdown; inactive → cleanup, shutdown; unconfigured → shutdown
//   force-shutdown  the direct shutdown transition of the current state (active/inactive/unconfigured_shutdown)
//
// Anything else (start when active, restart when unconfigured, any transition when finalized or while a
// transition runs) has no plan: 409 precondition-not-fulfilled.

export const SOVD_TRANSITIONS = ['start', 'restart', 'force-restart', 'shutdown', 'force-shutdown'] as const;
export type SovdTransition = (typeof SOVD_TRANSITIONS)[number];

/** lifecycle_msgs/msg/State primary state ids. */
export const STATE = { UNKNOWN: 0, UNCONFIGURED: 1, INACTIVE: 2, ACTIVE: 3, FINALIZED: 4 } as const;

/** lifecycle_msgs/msg/Transition ids. */
export const TRANSITION = { CONFIGURE: 1, CLEANUP: 2, ACTIVATE: 3, DEACTIVATE: 4, UNCONFIGURED_SHUTDOWN: 5, INACTIVE_SHUTDOWN: 6, ACTIVE_SHUTDOWN: 7 } as const;

export const TRANSITION_NAMES: Record<number, string> = { 1: 'configure', 2: 'cleanup', 3: 'activate', 4: 'deactivate', 5: 'unconfigured_shutdown', 6: 'inactive_shutdown', 7: 'active_shutdown' };

export interface PlanStep {
  transition: number;
  /** A failure of this step does not end the plan (force-restart's deactivate/cleanup). */
  optional?: boolean;
}

const T = TRANSITION;
const step = (transition: number, optional = false): PlanStep => (optional ? { transition, optional } : { transition });

/** The SOVD transitions primary state `state` allows (those with a plan), in SOVD_TRANSITIONS order. */
export function allowedTransitions(state: number): SovdTransition[] {
  return SOVD_TRANSITIONS.filter((t) => planTransition(t, state) !== undefined);
}

/** The steps for `name` from primary state `state`, or undefined when there is none. */
export function planTransition(name: SovdTransition, state: number): PlanStep[] | undefined {
  switch (name) {
    case 'start':
      if (state === STATE.UNCONFIGURED) return [step(T.CONFIGURE), step(T.ACTIVATE)];
      if (state === STATE.INACTIVE) return [step(T.ACTIVATE)];
      return undefined;
    case 'restart':
      if (state === STATE.ACTIVE) return [step(T.DEACTIVATE), step(T.CLEANUP), step(T.CONFIGURE), step(T.ACTIVATE)];
      if (state === STATE.INACTIVE) return [step(T.CLEANUP), step(T.CONFIGURE), step(T.ACTIVATE)];
      return undefined;
    case 'force-restart':
      if (state === STATE.ACTIVE) return [step(T.DEACTIVATE, true), step(T.CLEANUP, true), step(T.CONFIGURE), step(T.ACTIVATE)];
      if (state === STATE.INACTIVE) return [step(T.CLEANUP, true), step(T.CONFIGURE), step(T.ACTIVATE)];
      if (state === STATE.UNCONFIGURED) return [step(T.CONFIGURE), step(T.ACTIVATE)];
      return undefined;
    case 'shutdown':
      if (state === STATE.ACTIVE) return [step(T.DEACTIVATE), step(T.CLEANUP), step(T.UNCONFIGURED_SHUTDOWN)];
      if (state === STATE.INACTIVE) return [step(T.CLEANUP), step(T.UNCONFIGURED_SHUTDOWN)];
      if (state === STATE.UNCONFIGURED) return [step(T.UNCONFIGURED_SHUTDOWN)];
      return undefined;
    case 'force-shutdown':
      if (state === STATE.ACTIVE) return [step(T.ACTIVE_SHUTDOWN)];
      if (state === STATE.INACTIVE) return [step(T.INACTIVE_SHUTDOWN)];
      if (state === STATE.UNCONFIGURED) return [step(T.UNCONFIGURED_SHUTDOWN)];
      return undefined;
  }
}

// The state machine of native OPC-UA alarms & conditions (docs/opcua.md "State machine"):
// one condition state (from an event or from a read-based replay) → what happens to its fault. Pure, so
// the table can be tested exhaustively; faults.ts applies the decision.

/** The condition fields the state machine looks at; null where the event or the server has no value. */
export interface ConditionState {
  /** The event carries a ConditionId (it is a condition event at all). */
  hasCondition: boolean;
  /** A non-null BranchId: a previous state kept for acknowledgement. */
  branch: boolean;
  enabled: boolean | null;
  /** ShelvingState is TimedShelved or OneShotShelved. */
  shelved: boolean;
  active: boolean | null;
  acked: boolean | null;
  confirmed: boolean | null;
}

/**
 * - `ignore`: not a condition, or its state cannot be decided (no ActiveState).
 * - `history`: a branch; not a state change of the fault.
 * - `raise`: FAILED (the fault is confirmed).
 * - `heal`: PASSED only: healed internally, still listed as confirmed until acknowledged (and confirmed).
 * - `clear`: PASSED then ClearFault, when the fault is active.
 */
export type ConditionAction = 'ignore' | 'history' | 'raise' | 'heal' | 'clear';

/**
 * The decision for one condition state, in the order of the spec. A condition type without AckedState
 * (plain ConditionType) counts as acknowledged, one without ConfirmedState as confirmed: there is nothing
 * to wait for.
 */
export function conditionAction(s: ConditionState, requireConfirmForClear: boolean): ConditionAction {
  if (!s.hasCondition) return 'ignore';
  if (s.branch) return 'history';
  if (s.enabled === false || s.shelved) return 'clear';
  if (s.active === true) return 'raise';
  if (s.active !== false) return 'ignore';
  const acked = s.acked ?? true;
  const confirmed = s.confirmed ?? true;
  return acked && (confirmed || !requireConfirmForClear) ? 'clear' : 'heal';
}

/** OPC-UA event Severity 1–1000 → fault severity: 1–200 INFO, 201–500 WARNING, 501–800 ERROR, 801–1000 CRITICAL. */
export function severityOf(severity: unknown): 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL' {
  const n = typeof severity === 'number' ? severity : 0;
  return n > 800 ? 'CRITICAL' : n > 500 ? 'ERROR' : n > 200 ? 'WARNING' : 'INFO';
}

const NULL_NODE = 'ns=0;i=0';
/** ShelvedStateMachineType states TimedShelved (i=2932) and OneShotShelved (i=2933); Unshelved is i=2930. */
const SHELVED = new Set(['ns=0;i=2932', 'ns=0;i=2933', 'i=2932', 'i=2933']);

const isNode = (v: unknown): boolean => typeof v === 'string' && v !== '' && v !== NULL_NODE && v !== 'i=0';
const flag = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/** The state of an event (or a replayed read) whose fields are in plain form (NodeIds as strings). */
export function stateOf(e: {
  ConditionId?: unknown;
  BranchId?: unknown;
  'EnabledState.Id'?: unknown;
  'ShelvingState.CurrentState.Id'?: unknown;
  'ActiveState.Id'?: unknown;
  'AckedState.Id'?: unknown;
  'ConfirmedState.Id'?: unknown;
}): ConditionState {
  return {
    hasCondition: isNode(e.ConditionId),
    branch: isNode(e.BranchId),
    enabled: flag(e['EnabledState.Id']),
    shelved: typeof e['ShelvingState.CurrentState.Id'] === 'string' && SHELVED.has(e['ShelvingState.CurrentState.Id']),
    active: flag(e['ActiveState.Id']),
    acked: flag(e['AckedState.Id']),
    confirmed: flag(e['ConfirmedState.Id']),
  };
}

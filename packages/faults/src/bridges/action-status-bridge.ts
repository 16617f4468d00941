// Action status bridge (docs/faults.md): aborted (optionally canceled) goals of an action become a FAILED
// report, recovery a PASSED one; only transitions of the delivered state are reported.
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import { fnv1a32, upperSnake } from './naming.js';
import type { BridgeReport } from './report.js';

export interface GoalStatusArrayMsg {
  status_list: { status: number; goal_info?: { goal_id?: { uuid?: ArrayLike<number> } } }[];
}

export const GoalStatus = { UNKNOWN: 0, ACCEPTED: 1, EXECUTING: 2, CANCELING: 3, SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;

export interface ActionBridgeConfig {
  enabled: boolean;
  aborted_severity: number;
  canceled_is_fault: boolean;
  heal_on_succeeded: boolean;
  rescan_period_sec: number;
  retry_period_sec: number;
  code_prefix: string;
  exclude_actions: string[];
  include_only_actions: string[];
  /** Goal/status pairs remembered so each aborted (or canceled) goal is logged once. */
  dedup_capacity: number;
}

export function sanitizeActionBridgeConfig(c: Partial<ActionBridgeConfig> = {}): ActionBridgeConfig {
  const sev = Number(c.aborted_severity ?? 2);
  const dedup = Number(c.dedup_capacity ?? 4096);
  const pos = (v: unknown, d: number) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return {
    enabled: c.enabled ?? true,
    aborted_severity: Number.isInteger(sev) && sev >= 0 && sev <= 3 ? sev : 2,
    canceled_is_fault: c.canceled_is_fault ?? false,
    heal_on_succeeded: c.heal_on_succeeded ?? true,
    rescan_period_sec: pos(c.rescan_period_sec, 2),
    retry_period_sec: pos(c.retry_period_sec, 0.05),
    code_prefix: upperSnake(c.code_prefix ?? 'ACTION') || 'ACTION',
    exclude_actions: c.exclude_actions ?? [],
    include_only_actions: c.include_only_actions ?? [],
    dedup_capacity: Number.isInteger(dedup) && dedup >= 1 ? dedup : 4096,
  };
}

const STATUS_SUFFIX = '/_action/status';

/** Action name of a status topic, or null when the topic is not an action status topic. */
export function actionNameOf(topic: string): string | null {
  if (!topic.endsWith(STATUS_SUFFIX)) return null;
  const name = topic.slice(0, -STATUS_SUFFIX.length);
  return name === '' ? null : name;
}

/** `<PREFIX>_<ACTION>_<KIND>` ≤ 64 chars; an over-long action part is cut and tagged with 4 hex of FNV-1a (docs/faults.md decision Q8). */
export function actionFaultCode(prefix: string, action: string, kind: 'ABORTED' | 'CANCELED'): string {
  const name = upperSnake(action);
  const code = `${prefix}_${name}_${kind}`;
  if (code.length <= 64) return code;
  const tag = (fnv1a32(action) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  const budget = 64 - prefix.length - kind.length - tag.length - 3;
  return `${prefix}_${name.slice(0, budget).replace(/_+$/, '')}_${tag}_${kind}`;
}

type Health = 'healthy' | 'failed';

interface ActionState {
  source: string;
  delivered: Health;
  desired: Health;
  kind: 'ABORTED' | 'CANCELED';
}

/**
 * Tracks the net state per action and produces reports through `send`, which returns false while the fault
 * manager is not ready: the desired state then stays pending until `retryPending()` (called every
 * `retry_period_sec` while `hasPending`) or the next message.
 */
export class ActionStatusBridge {
  private readonly actions = new Map<string, ActionState>();
  /** Goal/status keys already logged, oldest first (bounded by `dedup_capacity`). */
  private readonly logged = new Set<string>();

  constructor(readonly config: ActionBridgeConfig, private readonly send: (r: BridgeReport) => boolean, private readonly log: FaultLogger = silentLogger) {}

  /** Logs each failed goal once: status arrays repeat every goal until it expires. */
  private logGoals(action: string, msg: GoalStatusArrayMsg): void {
    for (const g of msg.status_list ?? []) {
      const failed = g.status === GoalStatus.ABORTED || (this.config.canceled_is_fault && g.status === GoalStatus.CANCELED);
      if (!failed) continue;
      const id = Buffer.from(Array.from(g.goal_info?.goal_id?.uuid ?? [])).toString('hex');
      const key = `${action}|${id}|${g.status}`;
      if (this.logged.has(key)) continue;
      this.logged.add(key);
      if (this.logged.size > this.config.dedup_capacity) this.logged.delete(this.logged.values().next().value!);
      this.log.info(`action status bridge: goal ${id || '?'} of ${action} ${g.status === GoalStatus.ABORTED ? 'aborted' : 'canceled'}`);
    }
  }

  private eligible(action: string): boolean {
    const c = this.config;
    if (c.include_only_actions.length > 0 && !c.include_only_actions.some((a) => action.includes(a))) return false;
    return !c.exclude_actions.some((a) => action.includes(a));
  }

  /** Net state of one message: failed, healthy or null (unknown, ignored). */
  netState(msg: GoalStatusArrayMsg): { health: Health; kind: 'ABORTED' | 'CANCELED' } | null {
    const st = (msg.status_list ?? []).map((g) => g.status);
    if (st.includes(GoalStatus.ABORTED)) return { health: 'failed', kind: 'ABORTED' };
    if (this.config.canceled_is_fault && st.includes(GoalStatus.CANCELED)) return { health: 'failed', kind: 'CANCELED' };
    if (st.includes(GoalStatus.SUCCEEDED) || st.includes(GoalStatus.CANCELED)) return { health: 'healthy', kind: 'ABORTED' };
    return null;
  }

  /** Handles one GoalStatusArray on `topic`, published by `publisherFqn` (the fault's source). */
  onStatus(topic: string, msg: GoalStatusArrayMsg, publisherFqn?: string): void {
    const action = actionNameOf(topic);
    if (!action || !this.config.enabled || !this.eligible(action)) return;
    this.logGoals(action, msg);
    const net = this.netState(msg);
    if (!net) return;
    let s = this.actions.get(action);
    if (!s) {
      s = { source: publisherFqn || action, delivered: 'healthy', desired: 'healthy', kind: 'ABORTED' };
      this.actions.set(action, s);
    } else if (s.source === action && publisherFqn && publisherFqn !== action) {
      // Raised before discovery named the server: the fault moves to the server's node (the reference's
      // Forthcoming #467), so it lands in that entity's scope instead of staying under the action name.
      const provisional = s.source;
      s.source = publisherFqn;
      if (s.delivered === 'failed') {
        const verb = s.kind === 'ABORTED' ? 'aborted' : 'canceled';
        this.send({ source_id: s.source, code: actionFaultCode(this.config.code_prefix, action, s.kind), passed: false, severity: this.config.aborted_severity, description: `Action ${action} ${verb}`, supersedes: provisional });
      }
    }
    s.desired = net.health;
    if (net.health === 'failed') s.kind = net.kind;
    this.deliver(action, s);
  }

  private deliver(action: string, s: ActionState): void {
    if (s.desired === s.delivered) return;
    const c = this.config;
    if (s.desired === 'failed') {
      const verb = s.kind === 'ABORTED' ? 'aborted' : 'canceled';
      if (this.send({ source_id: s.source, code: actionFaultCode(c.code_prefix, action, s.kind), passed: false, severity: c.aborted_severity, description: `Action ${action} ${verb}` })) s.delivered = 'failed';
      return;
    }
    if (!c.heal_on_succeeded) {
      s.delivered = 'healthy';
      return;
    }
    const kinds: ('ABORTED' | 'CANCELED')[] = c.canceled_is_fault ? ['ABORTED', 'CANCELED'] : ['ABORTED'];
    let ok = true;
    for (const k of kinds) ok = this.send({ source_id: s.source, code: actionFaultCode(c.code_prefix, action, k), passed: true, severity: 0, description: '' }) && ok;
    if (ok) s.delivered = 'healthy';
  }

  get hasPending(): boolean {
    for (const s of this.actions.values()) if (s.desired !== s.delivered) return true;
    return false;
  }

  retryPending(): void {
    for (const [a, s] of this.actions) this.deliver(a, s);
  }

  /** Rescan: forget vanished actions, healing a failed one first when possible. */
  rescan(presentActions: readonly string[]): void {
    const present = new Set(presentActions);
    for (const [a, s] of this.actions) {
      if (present.has(a)) continue;
      if (s.delivered === 'failed') {
        s.desired = 'healthy';
        this.deliver(a, s);
      }
      this.actions.delete(a);
    }
  }
}

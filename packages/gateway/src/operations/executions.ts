// Action goals sent through the gateway (docs/resources.md–7.7): status from the action's status topic,
// the latest feedback, the final result (x-medkit.result, once the goal finished), and cleanup of
// finished goals older than 5 minutes every 60 s (docs/hardening.md).
import type { ExecutionBody } from './rest-shape.js';

/** The part of a goal handle the tracker needs (a @medkit/ros2 ClientGoalHandle). */
export interface GoalHandleLike {
  readonly id: string;
  status: number;
  on(ev: 'feedback', f: (fb: Record<string, unknown>) => void): unknown;
  on(ev: 'status', f: (s: number) => void): unknown;
  result(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ status: number; result: Record<string, unknown> }>;
  cancel(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ returnCode: number }>;
}

/** action_msgs/msg/GoalStatus → `x-medkit.ros2_status`. */
export const ROS2_STATUS: Record<number, string> = { 0: 'unknown', 1: 'accepted', 2: 'executing', 3: 'canceling', 4: 'succeeded', 5: 'canceled', 6: 'aborted' };

export const isTerminal = (s: number) => s >= 4;

/** ROS goal status → SOVD execution status. */
export function sovdStatus(s: number): 'running' | 'completed' | 'failed' {
  if (s === 4) return 'completed';
  if (s === 5 || s === 6) return 'failed';
  return 'running';
}

export interface Execution {
  id: string;
  /** The entity the goal was started on (`app/battery-monitor`): only it reads, stops or lists the goal. */
  owner: string;
  action: string;
  type: string;
  handle: GoalHandleLike;
  status: number;
  feedback?: Record<string, unknown>;
  result?: Record<string, unknown>;
  createdAt: number;
  finishedAt?: number;
}

export const FINISHED_TTL_MS = 5 * 60_000;
export const CLEANUP_PERIOD_MS = 60_000;

export class ExecutionTracker {
  // action path → goal id → execution; insertion order = oldest first.
  private readonly byAction = new Map<string, Map<string, Execution>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  start(): void {
    this.timer ??= setInterval(() => this.cleanup(), CLEANUP_PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Tracks an accepted goal started on `owner`; `resultTimeoutMs` bounds the wait for its result. */
  add(owner: string, action: string, type: string, handle: GoalHandleLike, resultTimeoutMs: number): Execution {
    const e: Execution = { id: handle.id, owner, action, type, handle, status: handle.status || 1, createdAt: this.now() };
    let m = this.byAction.get(action);
    if (!m) {
      m = new Map();
      this.byAction.set(action, m);
    }
    m.set(e.id, e);
    handle.on('feedback', (fb) => (e.feedback = fb));
    handle.on('status', (s) => this.setStatus(e, s));
    handle.result({ timeoutMs: resultTimeoutMs }).then(
      (r) => {
        e.result = r.result;
        this.setStatus(e, r.status);
      },
      () => {
        // No result in time (server gone): the status topic may still tell the end.
      },
    );
    return e;
  }

  private setStatus(e: Execution, s: number): void {
    if (isTerminal(e.status)) return;
    e.status = s;
    if (isTerminal(s)) e.finishedAt = this.now();
  }

  /** The goal `id` of `action` when `owner` started it (an execution id is not a handle valid through any entity). */
  get(owner: string, action: string, id: string): Execution | undefined {
    const e = this.byAction.get(action)?.get(id.replace(/-/g, '').toLowerCase());
    return e?.owner === owner ? e : undefined;
  }

  /** Goals of an action that `owner` started, newest first. */
  list(owner: string, action: string): Execution[] {
    return [...(this.byAction.get(action)?.values() ?? [])].filter((e) => e.owner === owner).reverse();
  }

  /** Drops finished goals older than the TTL; returns how many went. */
  cleanup(): number {
    const cutoff = this.now() - FINISHED_TTL_MS;
    let n = 0;
    for (const [action, m] of this.byAction) {
      for (const [id, e] of m) {
        if (e.finishedAt !== undefined && e.finishedAt <= cutoff) {
          m.delete(id);
          n++;
        }
      }
      if (m.size === 0) this.byAction.delete(action);
    }
    return n;
  }

  get size(): number {
    let n = 0;
    for (const m of this.byAction.values()) n += m.size;
    return n;
  }
}

export type { ExecutionBody };

/** `GET …/executions/{id}` body. */
export function executionView(e: Execution): ExecutionBody {
  const xm: Record<string, unknown> = { goal_id: e.id, ros2_status: ROS2_STATUS[e.status] ?? 'unknown', ros2: { action: e.action, type: e.type } };
  if (e.result !== undefined) xm.result = e.result;
  const body: ExecutionBody = { id: e.id, status: sovdStatus(e.status), capability: 'execute', 'x-medkit': xm };
  if (e.feedback !== undefined) body.parameters = e.feedback;
  return body;
}

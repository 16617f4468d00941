/**
 * Action server (docs/ros2.md): serves send_goal, cancel_goal and get_result, publishes feedback
 * and the goal status array (transient local, keep last 1), answers get_result once a goal is
 * terminal, and applies the cancel semantics of action_msgs/srv/CancelGoal. Terminal goals are kept
 * for `resultTimeoutMs` so late get_result calls still get their answer.
 */
import { actionRosNames, actionWireTypes, normalizeRosTypeName } from '../names/index.js';
import type { NodeHost } from '../client/node-host.js';
import { part } from '../client/all-or-none.js';
import { QOS_ACTION_STATUS, QOS_DEFAULT, QOS_SERVICES_DEFAULT } from '../client/qos-profiles.js';
import { compareRosTime, rosNow, type RosTime } from '../client/time.js';
import type { ServiceServer } from '../services/service-server.js';
import type { Publisher } from '../topics/publisher.js';
import { CancelReturnCode, GoalStatus, goalIdHex, isTerminal, type GoalInfoMsg, type UuidMsg } from './goal-status.js';

/** What an action server does with goals. */
export interface ActionServerHandlers {
  /** Accept (true, default) or reject a new goal. */
  onGoal?(goal: Record<string, unknown>, goalId: string): boolean | Promise<boolean>;
  /** Accept (true, default) or refuse a cancel request for a running goal. */
  onCancel?(goal: ServerGoalHandle): boolean | Promise<boolean>;
  /**
   * Runs an accepted goal. Resolving with a result ends it SUCCEEDED (CANCELED if a cancel was
   * accepted meanwhile), throwing ends it ABORTED; or end it explicitly through the handle.
   */
  execute(goal: ServerGoalHandle): unknown;
  /** How long terminal goals stay queryable (default 15 min, like rcl_action). */
  resultTimeoutMs?: number;
  /** Most goals kept at once; the oldest terminal ones go first (default 1000). */
  maxGoals?: number;
}

/** A goal as the server sees it. */
export class ServerGoalHandle {
  readonly goalId: UuidMsg;
  /** Goal id as 32 hex characters. */
  readonly id: string;
  readonly goal: Record<string, unknown>;
  /** When the goal was accepted. */
  readonly stamp: RosTime;
  #status: number = GoalStatus.ACCEPTED;
  #result: Record<string, unknown> | undefined;
  readonly #abort = new AbortController();
  /** @internal */ waiters: Array<() => void> = [];
  /** @internal */ expiresAt = Infinity;

  /** @internal */
  constructor(
    private readonly server: ActionServer,
    goalId: UuidMsg,
    goal: Record<string, unknown>,
  ) {
    this.goalId = goalId;
    this.id = goalIdHex(goalId);
    this.goal = goal;
    this.stamp = rosNow();
  }

  get status(): number {
    return this.#status;
  }

  /** True once a cancel request was accepted. */
  get isCancelRequested(): boolean {
    return this.#status === GoalStatus.CANCELING;
  }

  /** Aborted when a cancel request is accepted: hand it to whatever does the work. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** @internal */
  get result(): Record<string, unknown> | undefined {
    return this.#result;
  }

  /** Publishes feedback for this goal. */
  publishFeedback(feedback: unknown): void {
    if (isTerminal(this.#status)) return;
    this.server.publishFeedback(this, feedback);
  }

  succeed(result: unknown = {}): void {
    this.#finish(GoalStatus.SUCCEEDED, result);
  }

  abort(result: unknown = {}): void {
    this.#finish(GoalStatus.ABORTED, result);
  }

  canceled(result: unknown = {}): void {
    this.#finish(GoalStatus.CANCELED, result);
  }

  /** @internal */
  setStatus(s: number): void {
    if (isTerminal(this.#status)) return;
    this.#status = s;
    if (s === GoalStatus.CANCELING) this.#abort.abort(new Error('goal canceled'));
    this.server.publishStatus();
  }

  #finish(status: number, result: unknown): void {
    if (isTerminal(this.#status)) return;
    this.#result = this.server.normalizeResult(result);
    this.#status = status;
    this.server.onTerminal(this);
  }
}

export class ActionServer {
  readonly action: string;
  readonly type: string;
  readonly #node: NodeHost;
  readonly #handlers: ActionServerHandlers;
  readonly #goals = new Map<string, ServerGoalHandle>();
  readonly #services: ServiceServer[];
  readonly #feedback: Publisher;
  readonly #status: Publisher;
  readonly #resultTypeName: string;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** @internal */
  constructor(node: NodeHost, action: string, type: string, handlers: ActionServerHandlers) {
    this.#node = node;
    this.#handlers = handlers;
    this.action = node.resolveName(action);
    const t = normalizeRosTypeName(type);
    if (!t) throw new Error(`'${type}' is not an action type name`);
    this.type = t;
    this.#resultTypeName = `${t}_Result`;
    node.types.requireMessage(this.#resultTypeName);
    const names = actionRosNames(this.action);
    const wire = actionWireTypes(t);
    const made: { close(): void }[] = [];
    this.#feedback = part(made, () => node.createPublisher(names.feedback, wire.feedbackMessage, QOS_DEFAULT));
    this.#status = part(made, () => node.createPublisher(names.status, wire.status, QOS_ACTION_STATUS));
    const opts = { qos: QOS_SERVICES_DEFAULT };
    this.#services = [
      part(made, () => node.createService(names.sendGoal, `${t}_SendGoal`, (r) => this.#onSendGoal(r as { goal_id: UuidMsg; goal: Record<string, unknown> }), opts)),
      part(made, () => node.createService(names.cancelGoal, 'action_msgs/srv/CancelGoal', (r) => this.#onCancel(r as { goal_info: GoalInfoMsg }), opts)),
      part(made, () => node.createService(names.getResult, `${t}_GetResult`, (r) => this.#onGetResult(r as { goal_id: UuidMsg }), opts)),
    ];
    this.publishStatus();
  }

  /** Goals currently known (running and recently finished). */
  goals(): ServerGoalHandle[] {
    return [...this.#goals.values()];
  }

  async #onSendGoal(r: { goal_id: UuidMsg; goal: Record<string, unknown> }): Promise<{ accepted: boolean; stamp: RosTime }> {
    const id = goalIdHex(r.goal_id);
    if (this.#goals.has(id) || this.#closed) return { accepted: false, stamp: rosNow() };
    let ok = true;
    try {
      ok = this.#handlers.onGoal ? await this.#handlers.onGoal(r.goal, id) : true;
    } catch {
      ok = false;
    }
    if (!ok) return { accepted: false, stamp: rosNow() };
    this.#prune();
    const h = new ServerGoalHandle(this, r.goal_id, r.goal);
    this.#goals.set(id, h);
    this.publishStatus();
    // Execute after the acceptance reply is on its way, as rclcpp does.
    setImmediate(() => {
      this.#run(h).catch(() => {});
    });
    return { accepted: true, stamp: h.stamp };
  }

  async #run(h: ServerGoalHandle): Promise<void> {
    if (this.#closed) return;
    h.setStatus(GoalStatus.EXECUTING);
    try {
      const result = await this.#handlers.execute(h);
      if (h.isCancelRequested) h.canceled(result ?? {});
      else h.succeed(result ?? {});
    } catch {
      h.abort({});
    }
  }

  async #onCancel(r: { goal_info: GoalInfoMsg }): Promise<{ return_code: number; goals_canceling: GoalInfoMsg[] }> {
    const id = goalIdHex(r.goal_info.goal_id);
    const zeroId = /^0+$/.test(id);
    const stamp = r.goal_info.stamp;
    const zeroStamp = stamp.sec === 0 && stamp.nanosec === 0;
    const candidates: ServerGoalHandle[] = [];
    if (!zeroId) {
      const g = this.#goals.get(id);
      if (!g) return { return_code: CancelReturnCode.ERROR_UNKNOWN_GOAL_ID, goals_canceling: [] };
      if (isTerminal(g.status) && zeroStamp) return { return_code: CancelReturnCode.ERROR_GOAL_TERMINATED, goals_canceling: [] };
      candidates.push(g);
    }
    for (const g of this.#goals.values()) {
      if (candidates.includes(g)) continue;
      if (zeroId && zeroStamp) candidates.push(g);
      else if (!zeroStamp && compareRosTime(g.stamp, stamp) <= 0) candidates.push(g);
    }
    const canceling: GoalInfoMsg[] = [];
    for (const g of candidates) {
      if (isTerminal(g.status)) continue;
      if (g.status !== GoalStatus.CANCELING) {
        let ok = true;
        try {
          ok = this.#handlers.onCancel ? await this.#handlers.onCancel(g) : true;
        } catch {
          ok = false;
        }
        if (!ok) continue;
        g.setStatus(GoalStatus.CANCELING);
      }
      canceling.push({ goal_id: g.goalId, stamp: g.stamp });
    }
    return { return_code: canceling.length > 0 ? CancelReturnCode.ERROR_NONE : CancelReturnCode.ERROR_REJECTED, goals_canceling: canceling };
  }

  #onGetResult(r: { goal_id: UuidMsg }): Promise<{ status: number; result: Record<string, unknown> }> | { status: number; result: Record<string, unknown> } {
    const g = this.#goals.get(goalIdHex(r.goal_id));
    if (!g) return { status: GoalStatus.UNKNOWN, result: {} };
    if (isTerminal(g.status)) return { status: g.status, result: g.result ?? {} };
    return new Promise((resolve) => g.waiters.push(() => resolve({ status: g.status, result: g.result ?? {} })));
  }

  /** @internal */
  publishFeedback(h: ServerGoalHandle, feedback: unknown): void {
    if (!this.#closed) this.#feedback.publish({ goal_id: h.goalId, feedback });
  }

  /** @internal */
  publishStatus(): void {
    if (this.#closed) return;
    this.#status.publish({ status_list: [...this.#goals.values()].map((g) => ({ goal_info: { goal_id: g.goalId, stamp: g.stamp }, status: g.status })) });
  }

  /** @internal Validates a result early so a bad one aborts instead of failing get_result. */
  normalizeResult(result: unknown): Record<string, unknown> {
    try {
      return this.#node.types.deserialize(this.#resultTypeName, this.#node.types.serialize(this.#resultTypeName, result ?? {}));
    } catch {
      return {};
    }
  }

  /** @internal */
  onTerminal(h: ServerGoalHandle): void {
    h.expiresAt = Date.now() + (this.#handlers.resultTimeoutMs ?? 900_000);
    for (const w of h.waiters.splice(0)) w();
    this.publishStatus();
    this.#scheduleExpiry();
  }

  #scheduleExpiry(): void {
    if (this.#timer || this.#closed) return;
    let next = Infinity;
    for (const g of this.#goals.values()) next = Math.min(next, g.expiresAt);
    if (!Number.isFinite(next)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#prune();
      this.publishStatus();
      this.#scheduleExpiry();
    }, Math.max(10, Math.min(next - Date.now(), 2 ** 31 - 1)));
    this.#timer.unref?.();
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, g] of this.#goals) if (g.expiresAt <= now) this.#goals.delete(id);
    const max = this.#handlers.maxGoals ?? 1000;
    if (this.#goals.size < max) return;
    for (const [id, g] of this.#goals) {
      if (this.#goals.size < max) break;
      if (isTerminal(g.status)) this.#goals.delete(id);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const s of this.#services) s.close();
    this.#feedback.close();
    this.#status.close();
  }
}

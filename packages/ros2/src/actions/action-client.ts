/**
 * Action client (docs/ros2.md): send_goal, get_result and cancel_goal services plus the feedback
 * and status topics of one action. Each goal gets a {@link ClientGoalHandle} that emits `feedback`
 * and `status` and answers `result()` / `cancel()` with deadlines.
 */
import { EventEmitter } from 'node:events';
import { actionRosNames, actionWireTypes, normalizeRosTypeName } from '../names/index.js';
import { deadlineOf, remaining, type CallOptions } from '../client/deadline.js';
import { RosRemoteError } from '../client/errors.js';
import type { NodeHost } from '../client/node-host.js';
import { QOS_ACTION_STATUS, QOS_DEFAULT, QOS_SERVICES_DEFAULT } from '../client/qos-profiles.js';
import type { RosTime } from '../client/time.js';
import type { ServiceClient } from '../services/service-client.js';
import type { Subscription } from '../topics/subscription.js';
import { part } from '../client/all-or-none.js';
import { goalIdHex, isTerminal, newGoalId, type GoalInfoMsg, type UuidMsg } from './goal-status.js';

/** Options of an action client. */
export interface ActionClientOptions {
  /** Deadline of get_result when `result()` is called without one (default 5 minutes). */
  defaultResultTimeoutMs?: number;
}

/** Answer of a cancel request. */
export interface CancelResponse {
  returnCode: number;
  goalsCanceling: GoalInfoMsg[];
}

/** The end of a goal. */
export interface GoalResult {
  /** GoalStatus value (SUCCEEDED, CANCELED, ABORTED; UNKNOWN if the server forgot the goal). */
  status: number;
  result: Record<string, unknown>;
}

interface ClientGoalHandleEvents {
  feedback: [Record<string, unknown>];
  status: [number];
}

/** One goal sent by this client. */
export class ClientGoalHandle extends EventEmitter<ClientGoalHandleEvents> {
  readonly goalId: UuidMsg;
  /** Goal id as 32 hex characters. */
  readonly id: string;
  /** Latest status seen on the status topic (ACCEPTED right after acceptance). */
  status: number;

  /** @internal */
  constructor(
    private readonly client: ActionClient,
    goalId: UuidMsg,
    readonly accepted: boolean,
    readonly stamp: RosTime,
  ) {
    super();
    this.goalId = goalId;
    this.id = goalIdHex(goalId);
    this.status = accepted ? 1 : 0;
  }

  /** Waits for the goal's end (get_result; the server answers when the goal is terminal). */
  result(opts?: CallOptions): Promise<GoalResult> {
    return this.client.getResult(this, opts);
  }

  /** Asks the server to cancel this goal. */
  cancel(opts?: CallOptions): Promise<CancelResponse> {
    return this.client.cancel({ goal_id: this.goalId, stamp: { sec: 0, nanosec: 0 } }, opts);
  }
}

export class ActionClient {
  readonly action: string;
  readonly type: string;
  readonly #sendGoal: ServiceClient;
  readonly #cancel: ServiceClient;
  readonly #result: ServiceClient;
  readonly #feedback: Subscription;
  readonly #status: Subscription;
  readonly #handles = new Map<string, WeakRef<ClientGoalHandle>>();
  readonly #resultTimeoutMs: number;

  /** @internal */
  constructor(node: NodeHost, action: string, type: string, opts: ActionClientOptions = {}) {
    this.action = node.resolveName(action);
    const t = normalizeRosTypeName(type);
    if (!t) throw new Error(`'${type}' is not an action type name`);
    this.type = t;
    this.#resultTimeoutMs = opts.defaultResultTimeoutMs ?? 300_000;
    const names = actionRosNames(this.action);
    const wire = actionWireTypes(t);
    const made: { close(): void }[] = [];
    this.#sendGoal = part(made, () => node.createClient(names.sendGoal, `${t}_SendGoal`, { qos: QOS_SERVICES_DEFAULT }));
    this.#cancel = part(made, () => node.createClient(names.cancelGoal, 'action_msgs/srv/CancelGoal', { qos: QOS_SERVICES_DEFAULT }));
    this.#result = part(made, () => node.createClient(names.getResult, `${t}_GetResult`, { qos: QOS_SERVICES_DEFAULT }));
    this.#feedback = part(made, () => node.createSubscription(names.feedback, wire.feedbackMessage, (m) => {
      const h = this.#handle(goalIdHex((m as { goal_id: UuidMsg }).goal_id));
      h?.emit('feedback', (m as { feedback: Record<string, unknown> }).feedback);
    }, QOS_DEFAULT));
    this.#status = part(made, () => node.createSubscription(names.status, wire.status, (m) => {
      for (const s of (m as { status_list: Array<{ goal_info: GoalInfoMsg; status: number }> }).status_list) {
        const h = this.#handle(goalIdHex(s.goal_info.goal_id));
        if (h && h.status !== s.status && !isTerminal(h.status)) {
          h.status = s.status;
          h.emit('status', s.status);
        }
      }
    }, QOS_ACTION_STATUS));
  }

  #handle(id: string): ClientGoalHandle | undefined {
    const ref = this.#handles.get(id);
    const h = ref?.deref();
    if (ref && !h) this.#handles.delete(id);
    return h;
  }

  /** True when the send_goal server is ready to take a goal. */
  isServerReady(): boolean {
    return this.#sendGoal.isServiceReady();
  }

  /** Waits until the action server's services are ready. */
  async waitForServer(opts?: CallOptions): Promise<void> {
    const deadline = deadlineOf(opts);
    await this.#sendGoal.waitForService(remaining(deadline, opts?.signal));
    await this.#result.waitForService(remaining(deadline, opts?.signal));
    await this.#cancel.waitForService(remaining(deadline, opts?.signal));
  }

  /** Sends a goal; resolves with its handle (check `accepted`). */
  async sendGoal(goal: unknown, opts?: CallOptions): Promise<ClientGoalHandle> {
    const deadline = deadlineOf(opts);
    // get_result and cancel must be usable as soon as the goal is accepted.
    await this.waitForServer(opts);
    const goalId = newGoalId();
    const handle = new ClientGoalHandle(this, goalId, false, { sec: 0, nanosec: 0 });
    this.#handles.set(handle.id, new WeakRef(handle));
    try {
      const r = (await this.#sendGoal.call({ goal_id: goalId, goal }, remaining(deadline, opts?.signal, opts?.budgetMs ?? opts?.timeoutMs))) as { accepted: boolean; stamp: RosTime };
      const accepted = new ClientGoalHandle(this, goalId, r.accepted, r.stamp);
      if (r.accepted) this.#handles.set(accepted.id, new WeakRef(accepted));
      else this.#handles.delete(accepted.id);
      return accepted;
    } catch (err) {
      this.#handles.delete(handle.id);
      throw err;
    }
  }

  /** @internal */
  async getResult(h: ClientGoalHandle, opts?: CallOptions): Promise<GoalResult> {
    if (!h.accepted) throw new RosRemoteError(`goal ${h.id} of ${this.action} was rejected`);
    const r = (await this.#result.call({ goal_id: h.goalId }, { timeoutMs: this.#resultTimeoutMs, ...opts })) as unknown as GoalResult;
    if (h.status !== r.status) {
      h.status = r.status;
      h.emit('status', r.status);
    }
    return { status: r.status, result: r.result };
  }

  /** Cancels goals: one id, all (zero id and stamp), or all accepted at or before a stamp. */
  async cancel(info: GoalInfoMsg, opts?: CallOptions): Promise<CancelResponse> {
    const r = (await this.#cancel.call({ goal_info: info }, opts)) as { return_code: number; goals_canceling: GoalInfoMsg[] };
    return { returnCode: r.return_code, goalsCanceling: r.goals_canceling };
  }

  /** Cancels every goal of the server. */
  cancelAll(opts?: CallOptions): Promise<CancelResponse> {
    return this.cancel({ goal_id: { uuid: new Array(16).fill(0) }, stamp: { sec: 0, nanosec: 0 } }, opts);
  }

  close(): void {
    for (const c of [this.#sendGoal, this.#cancel, this.#result, this.#feedback, this.#status]) c.close();
  }
}

// Built-in lifecycle provider for ROS 2 managed nodes: an App whose node serves ~/get_state and
// ~/change_state. Status: ready iff the lifecycle state is active. Transitions follow plan.ts; the
// first state read decides 409 at once, the steps then run in the background while clients poll.
import type { App } from '../entities/model.js';
import { effectiveFqn } from '../entities/model.js';
import { messageOf, securityRefusal } from '../ros/call-errors.js';
import { allowedTransitions, planTransition, STATE, TRANSITION_NAMES, type PlanStep, type SovdTransition } from './plan.js';
import { LifecycleProviderError, type LifecycleEntity, type LifecycleProvider, type LifecycleStatus } from './provider.js';

/** Lifecycle services of remote nodes (the ROS binding wraps @medkit/ros2's LifecycleClient). */
export interface LifecycleBackend {
  /** True when the graph shows the node's lifecycle services. */
  isManaged(fqn: string): boolean;
  getState(fqn: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<{ id: number; label: string }>;
  changeState(fqn: string, transition: number, o: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean>;
}

/** What the last transition through the gateway did, shown in the status's x-medkit. */
export interface TransitionRecord {
  transition: SovdTransition;
  state: 'running' | 'succeeded' | 'failed';
  steps: string[];
  error?: string;
  started_at: string;
}

export interface RosLifecycleOptions {
  /** Deadline of get_state (short: status reads must be quick). */
  stateTimeoutMs: number;
  /** Deadline of each change_state. */
  changeTimeoutMs: number;
}

export class RosManagedNodeProvider implements LifecycleProvider {
  readonly name = 'ros2-managed-nodes';
  private readonly inFlightState = new Map<string, Promise<{ id: number; label: string }>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly last = new Map<string, TransitionRecord>();

  constructor(
    private readonly backend: LifecycleBackend,
    private readonly opts: RosLifecycleOptions,
  ) {}

  handles(e: LifecycleEntity): boolean {
    if (e.type !== 'app') return false;
    const fqn = effectiveFqn(e.entity as App);
    return fqn !== '' && this.backend.isManaged(fqn);
  }

  /** Concurrent reads of one node share one get_state round trip. */
  private readState(fqn: string, signal?: AbortSignal): Promise<{ id: number; label: string }> {
    let p = this.inFlightState.get(fqn);
    if (!p) {
      p = this.backend.getState(fqn, { timeoutMs: this.opts.stateTimeoutMs, signal }).finally(() => this.inFlightState.delete(fqn));
      this.inFlightState.set(fqn, p);
    }
    return p;
  }

  async status(e: LifecycleEntity, signal?: AbortSignal): Promise<LifecycleStatus> {
    const app = e.entity as App;
    const fqn = effectiveFqn(app);
    const detail: Record<string, unknown> = { provider: this.name, node: fqn };
    const last = this.last.get(fqn);
    if (last) detail.last_transition = last;
    // Only what a PUT would accept now: none while offline, unreachable or in the middle of a transition.
    if (!app.is_online) return { status: 'notReady', transitions: [], detail: { ...detail, lifecycle_state: 'offline' } };
    try {
      const s = await this.readState(fqn, signal);
      const transitions = this.running.has(fqn) ? [] : allowedTransitions(s.id);
      return { status: s.id === STATE.ACTIVE ? 'ready' : 'notReady', transitions, detail: { ...detail, lifecycle_state: s.label } };
    } catch (err) {
      return { status: 'notReady', transitions: [], detail: { ...detail, lifecycle_state: 'unreachable', error: messageOf(err) } };
    }
  }

  async transition(e: LifecycleEntity, name: SovdTransition, signal?: AbortSignal): Promise<void> {
    const fqn = effectiveFqn(e.entity as App);
    if (this.running.has(fqn)) throw new LifecycleProviderError('precondition-failed', `A transition of ${fqn} is still running`, 409, { node: fqn });
    let state;
    try {
      state = await this.readState(fqn, signal);
    } catch (err) {
      // Under SROS2 a get_state the gateway's permissions deny is final: 403, not a 503 worth retrying.
      throw securityRefusal(err, { node: fqn }) ?? new LifecycleProviderError('other', `Could not read the lifecycle state of ${fqn}: ${messageOf(err)}`, 503, { node: fqn });
    }
    const plan = planTransition(name, state.id);
    if (!plan) throw new LifecycleProviderError('precondition-failed', `'${name}' is not available while ${fqn} is ${state.label}`, 409, { node: fqn, lifecycle_state: state.label, transition: name });
    const rec: TransitionRecord = { transition: name, state: 'running', steps: [], started_at: new Date().toISOString() };
    this.last.set(fqn, rec);
    const run = this.run(fqn, plan, rec).finally(() => this.running.delete(fqn));
    this.running.set(fqn, run);
  }

  /** Runs the steps; a failed optional step re-plans from the state read back (force-restart). */
  private async run(fqn: string, plan: PlanStep[], rec: TransitionRecord): Promise<void> {
    const o = { timeoutMs: this.opts.changeTimeoutMs };
    try {
      let steps = plan;
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i];
        rec.steps.push(TRANSITION_NAMES[s.transition]);
        const ok = await this.backend.changeState(fqn, s.transition, o).catch((err: unknown) => {
          if (s.optional) return false;
          throw err;
        });
        if (ok) continue;
        if (!s.optional) throw new Error(`${TRANSITION_NAMES[s.transition]} failed`);
        const now = await this.backend.getState(fqn, o);
        const rest = planTransition('start', now.id);
        if (!rest) throw new Error(`${TRANSITION_NAMES[s.transition]} failed and the node is ${now.label}`);
        steps = [...steps.slice(0, i + 1), ...rest];
      }
      rec.state = 'succeeded';
    } catch (err) {
      rec.state = 'failed';
      rec.error = messageOf(err);
    }
  }

  /** Resolves when the running transition of `fqn` (if any) has ended (tests, shutdown). */
  async settle(fqn: string): Promise<void> {
    await this.running.get(fqn);
  }
}

/**
 * Makes one of our nodes a managed (lifecycle) node: the lifecycle services (~/change_state,
 * ~/get_state, ~/get_available_states, ~/get_available_transitions, ~/get_transition_graph) and the
 * ~/transition_event topic, driving a state machine with user callbacks like rclcpp_lifecycle.
 */
import { EventEmitter } from 'node:events';
import { LIFECYCLE_SERVICES, LIFECYCLE_TRANSITION_EVENT_TOPIC } from '../names/index.js';
import type { NodeHost } from '../client/node-host.js';
import { QOS_DEFAULT, QOS_SERVICES_DEFAULT } from '../client/qos-profiles.js';
import type { ServiceServer } from '../services/service-server.js';
import type { Publisher } from '../topics/publisher.js';
import { describe, LifecycleState, state, TRANSITION_LABELS, TRANSITIONS, type IdLabel, type TransitionRule } from './states.js';

/** What a transition callback may return: success (true/void/'success'), failure (false/'failure') or 'error'. */
export type CallbackResult = boolean | void | 'success' | 'failure' | 'error';
type Callback = (from: IdLabel) => CallbackResult | Promise<CallbackResult>;

/** Callbacks of a managed node (missing ones succeed). */
export interface LifecycleCallbacks {
  onConfigure?: Callback;
  onCleanup?: Callback;
  onActivate?: Callback;
  onDeactivate?: Callback;
  onShutdown?: Callback;
  /** Runs after a callback returned 'error' or threw; success leads to unconfigured, else finalized. */
  onError?: Callback;
}

interface ManagedLifecycleEvents {
  /** A state change: (new state, previous state). */
  transition: [IdLabel, IdLabel];
}

export class ManagedLifecycle extends EventEmitter<ManagedLifecycleEvents> {
  #state: number = LifecycleState.UNCONFIGURED;
  #busy = false;
  readonly #callbacks: LifecycleCallbacks;
  readonly #servers: ServiceServer[];
  readonly #events: Publisher;

  /** @internal */
  constructor(node: NodeHost, callbacks: LifecycleCallbacks) {
    super();
    this.#callbacks = callbacks;
    const name = (s: string) => `~/${s}`;
    const o = { qos: QOS_SERVICES_DEFAULT };
    this.#events = node.createPublisher(name(LIFECYCLE_TRANSITION_EVENT_TOPIC.suffix), LIFECYCLE_TRANSITION_EVENT_TOPIC.type, QOS_DEFAULT);
    const S = LIFECYCLE_SERVICES;
    this.#servers = [
      node.createService(name(S.getState.suffix), S.getState.type, () => ({ current_state: this.state }), o),
      node.createService(name(S.changeState.suffix), S.changeState.type, async (r) => ({ success: await this.trigger((r as { transition: IdLabel }).transition) }), o),
      node.createService(name(S.getAvailableStates.suffix), S.getAvailableStates.type, () => ({ available_states: Object.values(LifecycleState).map(state) }), o),
      node.createService(name(S.getAvailableTransitions.suffix), S.getAvailableTransitions.type, () => ({ available_transitions: this.availableTransitions().map(describe) }), o),
      node.createService(name(S.getTransitionGraph.suffix), S.getTransitionGraph.type, () => ({ available_transitions: TRANSITIONS.map(describe) }), o),
    ];
  }

  /** Current state. */
  get state(): IdLabel {
    return state(this.#state);
  }

  /** Transitions possible from the current state. */
  availableTransitions(): TransitionRule[] {
    return this.#busy ? [] : TRANSITIONS.filter((t) => t.from === this.#state);
  }

  /**
   * Runs a transition (by id, label, or Transition message); resolves true when it reached its goal
   * state, false when refused (not available now) or when the callback failed.
   */
  async trigger(transition: number | string | IdLabel): Promise<boolean> {
    const t = this.#find(transition);
    if (!t || this.#busy) return false;
    this.#busy = true;
    try {
      this.#set(t.via, t.id);
      const r = await this.#run(this.#callbacks[t.callback], state(t.from));
      if (r === 'success') {
        this.#set(t.to, t.id);
        return true;
      }
      if (r === 'failure') {
        this.#set(t.from, t.id);
        return false;
      }
      this.#set(LifecycleState.ERRORPROCESSING, t.id);
      const e = await this.#run(this.#callbacks.onError, state(t.via));
      this.#set(e === 'success' ? LifecycleState.UNCONFIGURED : LifecycleState.FINALIZED, t.id);
      return false;
    } finally {
      this.#busy = false;
    }
  }

  #find(x: number | string | IdLabel): TransitionRule | undefined {
    const avail = TRANSITIONS.filter((t) => t.from === this.#state);
    if (typeof x === 'number') return avail.find((t) => t.id === x);
    if (typeof x === 'string') return avail.find((t) => TRANSITION_LABELS[t.id] === x);
    return x.id !== 0 ? avail.find((t) => t.id === x.id) : avail.find((t) => TRANSITION_LABELS[t.id] === x.label);
  }

  async #run(cb: Callback | undefined, from: IdLabel): Promise<'success' | 'failure' | 'error'> {
    if (!cb) return 'success';
    try {
      const r = await cb(from);
      if (r === undefined || r === true || r === 'success') return 'success';
      if (r === 'error') return 'error';
      return 'failure';
    } catch {
      return 'error';
    }
  }

  #set(next: number, transitionId: number): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    try {
      this.#events.publish({
        timestamp: (BigInt(Date.now()) * 1_000_000n).toString(),
        transition: { id: transitionId, label: TRANSITION_LABELS[transitionId] ?? '' },
        start_state: state(prev),
        goal_state: state(next),
      });
    } catch {
      // the event is informational
    }
    this.emit('transition', state(next), state(prev));
  }

  close(): void {
    for (const s of this.#servers) s.close();
    this.#events.close();
  }
}

/** Access to a remote managed node's lifecycle services (docs/ros2.md). */
import { LIFECYCLE_SERVICES } from '../names/index.js';
import type { CallOptions } from '../client/deadline.js';
import type { NodeHost } from '../client/node-host.js';
import { QOS_SERVICES_DEFAULT } from '../client/qos-profiles.js';
import type { ServiceClient } from '../services/service-client.js';
import { ScopedClients } from '../client/scoped-clients.js';
import { TRANSITION_LABELS, type IdLabel, type TransitionDescription } from './states.js';

type Key = keyof typeof LIFECYCLE_SERVICES;

export class LifecycleClient {
  readonly target: string;
  readonly #clients: ScopedClients<Key>;

  /** @internal */
  constructor(node: NodeHost, target: string) {
    this.#clients = new ScopedClients(node, target, LIFECYCLE_SERVICES, QOS_SERVICES_DEFAULT);
    this.target = this.#clients.target;
  }

  #client(key: Key): ServiceClient {
    return this.#clients.get(key);
  }

  /** The node's current state. */
  async getState(opts?: CallOptions): Promise<IdLabel> {
    return ((await this.#client('getState').call({}, opts)) as { current_state: IdLabel }).current_state;
  }

  /** Requests a transition by id (LifecycleTransition) or label; true when the node reached the goal state. */
  async changeState(transition: number | string, opts?: CallOptions): Promise<boolean> {
    const t = typeof transition === 'number' ? { id: transition, label: TRANSITION_LABELS[transition] ?? '' } : { id: 0, label: transition };
    return ((await this.#client('changeState').call({ transition: t }, opts)) as { success: boolean }).success;
  }

  async getAvailableStates(opts?: CallOptions): Promise<IdLabel[]> {
    return ((await this.#client('getAvailableStates').call({}, opts)) as { available_states: IdLabel[] }).available_states;
  }

  async getAvailableTransitions(opts?: CallOptions): Promise<TransitionDescription[]> {
    return ((await this.#client('getAvailableTransitions').call({}, opts)) as { available_transitions: TransitionDescription[] }).available_transitions;
  }

  async getTransitionGraph(opts?: CallOptions): Promise<TransitionDescription[]> {
    return ((await this.#client('getTransitionGraph').call({}, opts)) as { available_transitions: TransitionDescription[] }).available_transitions;
  }

  close(): void {
    this.#clients.close();
  }
}

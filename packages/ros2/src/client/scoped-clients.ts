/** Service clients of one remote node's node-scoped services (parameters, lifecycle), made on first use. */
import { nodeScopedName, type NodeScopedInterface } from '../names/index.js';
import type { ServiceClient } from '../services/service-client.js';
import type { NodeHost } from './node-host.js';
import type { QoS } from '@medkit/rtps';

export class ScopedClients<K extends string> {
  /** FQN of the remote node. */
  readonly target: string;
  readonly #clients = new Map<K, ServiceClient>();

  constructor(
    private readonly node: NodeHost,
    target: string,
    private readonly table: Readonly<Record<K, NodeScopedInterface>>,
    private readonly qos: QoS,
  ) {
    this.target = target.startsWith('/') ? target : `/${target}`;
  }

  get(key: K): ServiceClient {
    let c = this.#clients.get(key);
    if (!c) {
      const s = this.table[key];
      c = this.node.createClient(nodeScopedName(this.target, s.suffix), s.type, { qos: this.qos });
      this.#clients.set(key, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }
}

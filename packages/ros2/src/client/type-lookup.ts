/**
 * Runtime type lookup (docs/ros2.md): for a type the registry does not know, ask the node that
 * owns an endpoint of that type through its `~/get_type_description` service (Jazzy+) and register
 * the answer. Lookups of one type are shared while in flight.
 */
import { nodeScopedName, normalizeRosTypeName, TYPE_DESCRIPTION_SERVICE } from '../names/index.js';
import type { ServiceClient } from '../services/service-client.js';
import type { TypeDescription } from '../types/index.js';
import type { ContextServices } from './context-services.js';
import { deadlineOf, remaining, type CallOptions } from './deadline.js';
import { RosRemoteError, RosUnavailableError } from './errors.js';
import { NodeClients } from './node-clients.js';

/** Options of {@link TypeLookup.ensure}. */
export interface TypeLookupOptions extends CallOptions {
  /** Node to ask (FQN); default: the owner of some endpoint with this type. */
  node?: string;
  /** `RIHS01_...`; default: the hash an endpoint of the type announced. */
  typeHash?: string;
}

export class TypeLookup {
  /** One `get_type_description` client per node asked; those of nodes that left the graph are closed. */
  readonly #clients: NodeClients<ServiceClient>;
  readonly #inFlight = new Map<string, Promise<string[]>>();

  /** @internal */
  constructor(private readonly context: ContextServices) {
    this.#clients = new NodeClients(
      () => context.graph.nodes().map((n) => n.fqn),
      (node) => context.internalNode().createClient(nodeScopedName(node, TYPE_DESCRIPTION_SERVICE.suffix), TYPE_DESCRIPTION_SERVICE.type),
    );
  }

  /**
   * Makes sure `type` (a message type, e.g. `pkg/msg/X`) is known: returns [] when it already is,
   * else the names registered from the remote description. Rejects with RosUnavailableError when no
   * node to ask is known, RosRemoteError when the node says no, RosTimeoutError / RosAbortedError.
   */
  ensure(type: string, opts: TypeLookupOptions = {}): Promise<string[]> {
    const name = normalizeRosTypeName(type) ?? type;
    if (this.context.types.has(name)) return Promise.resolve([]);
    const key = `${name}@${opts.node ?? ''}`;
    let p = this.#inFlight.get(key);
    if (!p) {
      p = this.#fetch(name, opts).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, p);
    }
    return p;
  }

  async #fetch(type: string, opts: TypeLookupOptions): Promise<string[]> {
    const deadline = deadlineOf(opts);
    let node = opts.node;
    let typeHash = opts.typeHash;
    if (!node) {
      const ep = this.context.graph.endpoints().find((e) => !e.local && e.rosType === type && e.node);
      if (!ep?.node) throw new RosUnavailableError(`type ${type}`, 'no node with an endpoint of this type is known');
      node = ep.node.namespace === '/' ? `/${ep.node.name}` : `${ep.node.namespace}/${ep.node.name}`;
      typeHash ??= ep.typeHash;
    }
    const client = this.#clients.get(node);
    const res = (await client.call({ type_name: type, type_hash: typeHash ?? '', include_type_sources: false }, remaining(deadline, opts.signal, opts.budgetMs ?? opts.timeoutMs))) as {
      successful: boolean;
      failure_reason: string;
      type_description: TypeDescription;
    };
    if (!res.successful) throw new RosRemoteError(`${node} could not describe ${type}: ${res.failure_reason}`);
    return this.context.types.registerFromTypeDescription(res.type_description, `get_type_description ${node}`);
  }
}

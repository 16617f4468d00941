/**
 * Clients of remote nodes' services, one per node FQN, made on first use. Each client owns DDS
 * endpoints, and nodes come and go for months (restarts, anonymous names), so a node that left the
 * graph keeps nothing: making a new client first closes those of nodes the graph no longer lists.
 * The table thus holds at most one client per node in the graph, plus the one being made.
 */
export class NodeClients<C extends { close(): void }> {
  readonly #clients = new Map<string, C>();

  /** `liveNodes`: FQNs of the nodes in the graph now; `make`: a new client of one node. */
  constructor(
    private readonly liveNodes: () => Iterable<string>,
    private readonly make: (fqn: string) => C,
  ) {}

  get size(): number {
    return this.#clients.size;
  }

  get(node: string): C {
    const fqn = node.startsWith('/') ? node : `/${node}`;
    let c = this.#clients.get(fqn);
    if (c) return c;
    if (this.#clients.size > 0) this.#dropGone();
    c = this.make(fqn);
    this.#clients.set(fqn, c);
    return c;
  }

  /** Closes every client (with the node they hang off). */
  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }

  #dropGone(): void {
    const live = new Set(this.liveNodes());
    for (const [fqn, c] of this.#clients) {
      if (live.has(fqn)) continue;
      c.close();
      this.#clients.delete(fqn);
    }
  }
}

// The data items of the bridged component: the last value the server's monitored items delivered for
// each configured node, its OPC-UA status and timestamps, the node's DataType, and who listens for
// changes (triggers). Bodies are what `/data` answers (docs/opcua.md "Data").
import type { NodeConfig } from './config.js';
import type { BuiltinName } from './values.js';

export interface ItemState {
  node: NodeConfig;
  /** The node's built-in DataType (read at connect); undefined until read or when not a supported scalar. */
  type?: BuiltinName;
  /** The DataType NodeId as the server gave it. */
  dataTypeId?: string;
  /** Why the server's type does not fit the node map's declaration (the item is refused); see declared-type.ts. */
  mismatch?: string;
  /** The first value's Variant type was checked (nodes whose DataType is not a built-in scalar). */
  variantChecked?: boolean;
  /** JSON form of the last value; undefined before the first one arrives. */
  value?: unknown;
  /** OPC-UA StatusCode name of the last value (`Good`, `BadNodeIdUnknown`, …). */
  status?: string;
  sourceTimestamp?: string;
  serverTimestamp?: string;
  /** The connection (ItemStore session) the value arrived on; a value from an earlier one is not fresh. */
  session?: number;
}

/** One value update from the server. */
interface ItemUpdate {
  value: unknown;
  status: string;
  sourceTimestamp?: string;
  serverTimestamp?: string;
}

type Listener = (body: unknown) => void;

export class ItemStore {
  private readonly items = new Map<string, ItemState>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Counts connections: a server that restarted holds new values while ours are from before the outage. */
  private session = 0;

  constructor(nodes: readonly NodeConfig[]) {
    for (const node of nodes) this.items.set(node.data_name, { node });
  }

  /** Adds items found later (auto_browse); a name already served is kept as it is. */
  add(nodes: readonly NodeConfig[]): void {
    for (const node of nodes) if (!this.items.has(node.data_name)) this.items.set(node.data_name, { node });
  }

  /** A new connection began: every value is stale until it is read or notified again on it. */
  beginSession(): void {
    this.session++;
  }

  /** Whether the item's value arrived on the current connection. */
  isFresh(item: ItemState): boolean {
    return item.value !== undefined && item.session === this.session;
  }

  get(name: string): ItemState | undefined {
    return this.items.get(name);
  }

  all(): ItemState[] {
    return [...this.items.values()];
  }

  /** Stores a server value and hands the new body to the item's listeners. */
  update(name: string, u: ItemUpdate, connected: boolean): void {
    const item = this.items.get(name);
    if (!item) return;
    item.value = u.value;
    item.status = u.status;
    item.sourceTimestamp = u.sourceTimestamp;
    item.serverTimestamp = u.serverTimestamp;
    item.session = this.session;
    const ls = this.listeners.get(name);
    if (!ls || ls.size === 0) return;
    const body = this.body(item, connected);
    for (const l of [...ls]) {
      try {
        l(body);
      } catch {
        // a consumer's failure is its own; the next listener still gets the value
      }
    }
  }

  listen(name: string, l: Listener): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** The `GET …/data` list of the items `owner` serves (the App of their `entity_id`, else the component). */
  list(owner: (item: ItemState) => boolean): { items: unknown[] } {
    return {
      items: this.all().filter(owner).map(({ node, type }) => ({
        id: node.data_name,
        name: node.display_name,
        category: 'currentData',
        'x-medkit': { opcua: { node_id: node.node_id, ...(type ? { data_type: type } : {}) }, writable: node.writable, ...(node.unit ? { unit: node.unit } : {}) },
      })),
    };
  }

  /**
   * The `GET …/data/{name}` body; `stale` while the connection is down, and after a reconnection until the
   * value was read or notified again (the server may have restarted with other values).
   */
  body(item: ItemState, connected: boolean): { id: string; data: unknown; 'x-medkit': Record<string, unknown> } {
    const { node } = item;
    return {
      id: node.data_name,
      data: item.value ?? null,
      'x-medkit': {
        opcua: {
          node_id: node.node_id,
          ...(item.type ? { data_type: item.type } : item.dataTypeId ? { data_type: item.dataTypeId } : {}),
          ...(item.status ? { status_code: item.status } : {}),
          ...(item.sourceTimestamp ? { source_timestamp: item.sourceTimestamp } : {}),
          ...(item.serverTimestamp ? { server_timestamp: item.serverTimestamp } : {}),
        },
        ...(node.unit ? { unit: node.unit } : {}),
        writable: node.writable,
        connected,
        stale: !connected || !this.isFresh(item),
        status: 'data',
      },
    };
  }
}

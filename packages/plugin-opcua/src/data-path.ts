// Where the items' values come from (docs/opcua.md "Data path"): polling (the default:
// one non-overlapping cycle of chunked, deadline-bound reads every poll_interval_ms) or the subscription's
// monitored items (prefer_subscriptions). Both hand every sample to the same `deliver`, so the item store,
// reads, cyclic subscriptions, triggers, fault rules and ROS republishing cannot tell them apart. Also
// checks the nodes' server types against the node map's declarations, and names the server.
import type { ClientSession, DataValue } from 'node-opcua-client';
import type { PluginLogger, PluginRosAccess } from '@medkit/plugin-api';
import type { OpcuaConfig } from './config.js';
import type { LiveSession } from './connection.js';
import type { Deadline, OpcuaLib } from './lib.js';
import { expectedType, typeMismatch } from './declared-type.js';
import type { ItemState } from './items.js';
import { Poller, type PollStats } from './poller.js';
import { RosRepublisher } from './ros-republish.js';
import { builtinOf } from './values.js';

/** Nodes per read request (below common server operation limits). */
export const READ_CHUNK = 500;
/** BuildInfo.ProductName of the Server object (Part 5 docs/security.md, ns=0;i=2261). */
const PRODUCT_NAME = 'i=2261';

export class DataPath {
  readonly stats: PollStats = { poll_count: 0, error_count: 0, skipped_count: 0 };
  readonly republisher: RosRepublisher;
  /** The server's product name (BuildInfo), or its application name; undefined before the first connection. */
  serverDescription?: string;
  private poller?: Poller<ItemState>;

  constructor(
    private readonly cfg: OpcuaConfig,
    private readonly lib: OpcuaLib,
    private readonly log: PluginLogger,
    ros: () => PluginRosAccess | undefined,
  ) {
    this.republisher = new RosRepublisher(ros, log);
  }

  get mode(): 'polling' | 'subscription' {
    return this.cfg.prefer_subscriptions ? 'subscription' : 'polling';
  }

  /**
   * On a fresh session (DataTypes already learnt): names the server, then starts the values: a monitored
   * item group, or a first poll cycle (awaited, so reads right after connecting have values) and polling.
   */
  async onConnected(live: LiveSession, items: ItemState[], deliver: (item: ItemState, dv: DataValue) => void, deadline: Deadline): Promise<void> {
    this.stopPolling();
    await this.describeServer(live.session, deadline);
    if (items.length === 0) return;
    const { lib, cfg } = this;
    if (this.mode === 'subscription') {
      // Handlers are attached before the items are created: the first notification can arrive in the same
      // read as the CreateMonitoredItems answer, before an awaited result would return.
      const group = lib.ClientMonitoredItemGroup.create(
        live.subscription,
        items.map((i) => ({ nodeId: i.node.node_id, attributeId: lib.AttributeIds.Value })),
        { samplingInterval: cfg.subscription_interval_ms, queueSize: 1, discardOldest: true },
        lib.TimestampsToReturn.Both,
      );
      group.on('changed', (_mi, dv: DataValue, index: number) => {
        const item = items[index];
        if (item) deliver(item, dv);
      });
      await deadline('monitorItems', () => initialized(group));
      return;
    }
    const session = live.session;
    const poller = new Poller<ItemState>(items, {
      intervalMs: cfg.poll_interval_ms,
      chunk: READ_CHUNK,
      read: (chunk) => deadline('poll read', () => session.read(chunk.map((i) => ({ nodeId: i.node.node_id, attributeId: lib.AttributeIds.Value })))),
      deliver: (item, dv) => deliver(item, dv as DataValue),
      stats: this.stats,
    });
    this.poller = poller;
    await poller.start();
  }

  onDisconnected(): void {
    this.stopPolling();
  }

  stop(): void {
    this.stopPolling();
    this.republisher.close();
  }

  private stopPolling(): void {
    this.poller?.stop();
    this.poller = undefined;
  }

  private async describeServer(session: ClientSession, deadline: Deadline): Promise<void> {
    let name: string | undefined;
    try {
      const dv = await deadline('read BuildInfo', () => session.read({ nodeId: PRODUCT_NAME, attributeId: this.lib.AttributeIds.Value }));
      if (dv.statusCode.isGood() && typeof dv.value?.value === 'string' && dv.value.value) name = dv.value.value;
    } catch (err) {
      this.log.warn(`reading the server's BuildInfo failed: ${(err as Error).message}`);
    }
    name ??= session.endpoint?.server?.applicationName?.text ?? undefined;
    // A server-provided string: bounded and without control characters before it reaches any answer.
    // eslint-disable-next-line no-control-regex
    if (name) this.serverDescription = name.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 256);
  }

  /**
   * After the DataTypes are read: marks each item whose server type does not fit its declaration (data_type,
   * or the integer a register fault mode needs) and logs it. A node whose DataType is not a built-in scalar
   * (an Enumeration, an abstract Number) is decided by its first value's Variant type instead; one whose
   * DataType could not be read is left to its Bad status.
   */
  checkTypes(items: ItemState[]): void {
    for (const item of items) {
      item.variantChecked = false;
      item.mismatch = item.type ? typeMismatch(item.node, item.type, item.dataTypeId) : undefined;
      if (item.mismatch) this.log.warn(`${item.node.data_name} (${item.node.node_id}) is refused: ${item.mismatch}`);
    }
  }

  /** A value of a node whose DataType is not a built-in scalar: its Variant type settles the declaration. */
  settleVariantType(item: ItemState, dv: DataValue): void {
    if (item.type || !item.dataTypeId || item.variantChecked) return;
    const variant = dv.value?.dataType;
    if (typeof variant !== 'number' || !dv.statusCode.isGood()) return;
    item.variantChecked = true;
    const type = builtinOf({ namespace: 0, value: variant });
    item.mismatch = typeMismatch(item.node, type, item.dataTypeId);
    if (item.mismatch) this.log.warn(`${item.node.data_name} (${item.node.node_id}) is refused: ${item.mismatch}`);
    else if (type && expectedType(item.node)) item.type = type; // declared: reads and writes use the Variant's type
  }

  /** Hands a good sample to the item's ROS topic (never throws). */
  republish(item: ItemState, json: unknown): void {
    if (item.node.ros2_topic) this.republisher.publish(item.node.ros2_topic, json);
  }

  /** The `x-plc-status` fields of the data path. */
  status(connectionErrors: number, items: readonly ItemState[]): Record<string, unknown> {
    const mismatches = items.flatMap((i) => (i.mismatch ? [{ data_name: i.node.data_name, problem: i.mismatch }] : []));
    return {
      mode: this.mode,
      ...(this.mode === 'polling' ? { poll_interval_ms: this.cfg.poll_interval_ms } : { subscription_interval_ms: this.cfg.subscription_interval_ms }),
      poll_count: this.stats.poll_count,
      skipped_polls: this.stats.skipped_count,
      error_count: connectionErrors + this.stats.error_count,
      ...(this.stats.last_error ? { last_poll_error: this.stats.last_error } : {}),
      ...(this.serverDescription ? { server_description: this.serverDescription } : {}),
      ...(mismatches.length ? { type_mismatches: mismatches } : {}),
      ...(this.republisher.published || this.republisher.failures ? { ros2_published: this.republisher.published, ros2_publish_failures: this.republisher.failures } : {}),
    };
  }
}

/** Resolves when a monitored item (or group) is created on the server; rejects with the server's refusal. */
export function initialized(item: { once(event: 'initialized', f: () => void): unknown; once(event: 'err', f: (m: string) => void): unknown }): Promise<void> {
  return new Promise((resolve, reject) => {
    item.once('initialized', () => resolve());
    item.once('err', (m: string) => reject(new Error(`monitored item: ${m}`)));
  });
}

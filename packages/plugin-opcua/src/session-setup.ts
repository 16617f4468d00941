// What the bridge does on each new connection to the OPC-UA server (connection.ts calls it): take over the
// faults an earlier run left active (once), learn the nodes' DataTypes, start the data path (polling or
// monitored items), subscribe to alarm events and replay the conditions active now.
import type { ClientSession, DataValue, NodeId, Variant } from 'node-opcua-client';
import type { PluginContext } from '@medkit/plugin-api';
import type { OpcuaConfig } from './config.js';
import type { LiveSession } from './connection.js';
import { replayConditions, sessionReplayPort, type ReplayOutcome } from './condition-replay.js';
import { initialized, READ_CHUNK, type DataPath } from './data-path.js';
import { alarmEventOf, EVENT_FIELDS, type OpcuaFaults } from './faults.js';
import type { ItemState, ItemStore } from './items.js';
import type { Deadline, OpcuaLib } from './lib.js';
import type { ServerDiscovery } from './server-discovery.js';
import { builtinOf } from './values.js';

/** The server object whose events carry every alarm (Server, i=2253). */
const SERVER_NODE = 'i=2253';
/** Alarm events queued on the server between publishes, at most. */
const EVENT_QUEUE_SIZE = 1000;

/** What set-up needs of the bridge (all of it exists once the bridge started). */
interface SessionSetupDeps {
  cfg: OpcuaConfig;
  lib: OpcuaLib;
  ctx: PluginContext;
  items: ItemStore;
  faults: OpcuaFaults;
  dataPath: DataPath;
  discovery: ServerDiscovery;
  deadline: Deadline;
  /** A value notified or read for an item. */
  onDataValue(item: ItemState | undefined, dv: DataValue): void;
  /** The entities the plugin serves items on. */
  bridges(entityId: string): boolean;
}

export class SessionSetup {
  /** Faults left active by an earlier run were taken over (once, at the first connection). */
  private adopted = false;
  /** How the conditions were last replayed after subscribing. */
  replay?: ReplayOutcome;

  constructor(private readonly d: SessionSetupDeps) {}

  async onConnected(live: LiveSession): Promise<void> {
    const { lib, cfg, ctx, items: store, faults, dataPath, deadline } = this.d;
    // Values from before this connection are stale until read or notified on it (issue 33, point 6).
    store.beginSession();
    await this.d.discovery.onConnected(live.session);
    const items = store.all();
    if (!this.adopted) {
      this.adopted = true;
      this.adoptFaults();
    }
    await this.learnTypes(live.session, items);
    dataPath.checkTypes(items);
    await dataPath.onConnected(live, items, (item, dv) => this.d.onDataValue(item, dv), deadline);
    if (cfg.event_alarms.length > 0 || cfg.auto_alarms) {
      const events = lib.ClientMonitoredItem.create(
        live.subscription,
        { nodeId: lib.resolveNodeId(SERVER_NODE), attributeId: lib.AttributeIds.EventNotifier },
        { samplingInterval: 0, queueSize: EVENT_QUEUE_SIZE, discardOldest: true, filter: lib.constructEventFilter([...EVENT_FIELDS]) },
        lib.TimestampsToReturn.Neither,
      );
      events.on('changed', (fields: unknown) => faults.onEvent(alarmEventOf(fields as Variant[])));
      await deadline('monitorEvents', () => initialized(events));
      // The conditions active right now (also after a reconnect): ConditionRefresh and/or a read of their state.
      const port = sessionReplayPort(lib, live.session, live.subscription.subscriptionId, deadline);
      this.replay = await replayConditions(cfg.condition_replay_strategy, port, () => faults.conditions.conditionNodes().map((c) => c.nodeId), (e) => faults.onConditionState(e), ctx.log);
    }
    faults.onUp();
  }

  /** Takes over the faults one of this plugin's entities left active (the component, or an App of an event alarm). */
  private adoptFaults(): void {
    // All active faults, not the entity's list: the component may not be discovered yet.
    const listed = (this.d.ctx.listAllFaults().faults ?? []) as { fault_code?: unknown; reporting_sources?: unknown; 'x-medkit'?: { status?: unknown } }[];
    this.d.faults.adopt(
      listed.flatMap((f) => {
        const entity = Array.isArray(f?.reporting_sources) ? f.reporting_sources.find((s): s is string => typeof s === 'string' && this.d.bridges(s)) : undefined;
        const open = f['x-medkit']?.status === 'CONFIRMED' || f['x-medkit']?.status === 'PREFAILED';
        return typeof f.fault_code === 'string' && entity && open ? [{ code: f.fault_code, entity }] : [];
      }),
    );
  }

  /** Reads every node's DataType (in bounded chunks) so writes can be type-checked. */
  private async learnTypes(session: ClientSession, items: ItemState[]): Promise<void> {
    for (let i = 0; i < items.length; i += READ_CHUNK) {
      const chunk = items.slice(i, i + READ_CHUNK);
      const dvs = await this.d.deadline('read DataType', () => session.read(chunk.map((it) => ({ nodeId: it.node.node_id, attributeId: this.d.lib.AttributeIds.DataType }))));
      dvs.forEach((dv, k) => {
        const item = chunk[k];
        const id = dv.statusCode.isGood() ? (dv.value.value as NodeId | null) : null;
        item.type = id ? builtinOf({ namespace: id.namespace, value: id.value }) : undefined;
        item.dataTypeId = id ? id.toString() : undefined;
        if (!id) this.d.ctx.log.warn(`${item.node.data_name} (${item.node.node_id}): DataType unreadable (${dv.statusCode.name})`);
      });
    }
  }
}

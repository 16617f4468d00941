// The `opcua` plugin (docs/opcua.md): one OPC-UA server → one component whose data
// items are the configured nodes. Values arrive by polling or through the server's own monitored items
// (data-path.ts), feed reads, cyclic subscriptions and triggers, drive threshold and register fault rules
// and ROS topics; native alarms/conditions arrive as events; both become faults through the gateway's
// fault manager.
import { createRequire } from 'node:module';
import { format } from 'node:util';
import type { DataValue } from 'node-opcua-client';
import { type DataProvider, type IntrospectionProvider, type IntrospectionResult, type JsonValue, type MedkitPlugin, type OperationProvider, type PluginConfig, type PluginContext, type PluginEntityRef, PluginError, type PluginRoute, withDeadline } from '@medkit/plugin-api';
import { OpcuaConfigError, parseOpcuaConfig, type OpcuaConfig } from './config.js';
import { NotConnectedError, OpcuaConnection, type LiveSession } from './connection.js';
import { loadLibraries, type CertificateManagerLib, type Deadline, type OpcuaLib } from './lib.js';
import { OpcuaFaults } from './faults.js';
import { conditionOperationItems, isConditionOperation, runConditionOperation, type ConditionCaller } from './condition-operations.js';
import { conditionEntityIds } from './condition-map.js';
import { ItemStore, type ItemState } from './items.js';
import { valueToJson } from './values.js';
import { writeItem, type WritePort } from './item-write.js';
import { DataPath } from './data-path.js';
import { plcRoutes } from './routes.js';
import { plcItem, setOperation, SET_PREFIX, type PlcData, type PlcItem, type SetResult } from './plc-bodies.js';
import { remoteFailure } from './remote-failure.js';
import { ServerDiscovery } from './server-discovery.js';
import { SessionSetup } from './session-setup.js';
import { WriteChecks } from './write-checks.js';


export class OpcuaPlugin implements MedkitPlugin, IntrospectionProvider, DataProvider, OperationProvider {
  private cfg!: OpcuaConfig;
  private lib!: OpcuaLib;
  private items!: ItemStore;
  private faults?: OpcuaFaults;
  private conn?: OpcuaConnection;
  private dataPath?: DataPath;
  private ctx?: PluginContext;
  private libraries?: Promise<{ lib: OpcuaLib; certs: CertificateManagerLib }>;
  /** Why the bridge could not start (library missing, NodeId refused by the library). */
  private bridgeError?: string;
  private stopped = false;
  /** What each new connection sets up. */
  private session?: SessionSetup;
  /** Nameplate and auto_browse (server-discovery.ts). */
  private discovery?: ServerDiscovery;
  /** Writes that timed out, read back once the server answers again. */
  private readonly writeChecks = new WriteChecks();

  name(): string {
    return 'opcua';
  }

  async configure(raw: PluginConfig): Promise<void> {
    this.cfg = await parseOpcuaConfig(raw);
    this.items = new ItemStore(this.cfg.nodes);
    // An optional dependency: say so at start-up when it is missing. Importing it takes seconds on a
    // small machine, longer than a lifecycle call may take, so that runs in the background.
    for (const pkg of ['node-opcua-client', 'node-opcua-certificate-manager']) {
      try {
        createRequire(import.meta.url).resolve(pkg);
      } catch {
        throw new Error(`the opcua plugin needs ${pkg}, which is not installed (npm install ${pkg}@2)`);
      }
    }
    this.libraries = loadLibraries();
    this.libraries.catch(() => {}); // reported when the bridge starts
  }

  setContext(ctx: PluginContext): void {
    this.ctx = ctx;
    ctx.registerEntityCapability(this.cfg.component_id, 'x-plc-status');
    for (const id of [this.cfg.component_id, ...this.appIds()]) {
      ctx.registerEntityCapability(id, 'x-plc-data');
      if (this.writableOf(id).length > 0) ctx.registerEntityCapability(id, 'x-plc-operations');
    }
    void this.libraries?.then(
      ({ lib, certs }) => this.startBridge(ctx, lib, certs),
      (err: Error) => this.failBridge(`cannot load node-opcua-client: ${err.message}`),
    );
  }

  private failBridge(message: string): void {
    this.bridgeError = message;
    this.ctx?.log.error(message);
  }

  /** Once the library is loaded: NodeIds checked by its parser, then the fault mapper and the connection loop. */
  private startBridge(ctx: PluginContext, lib: OpcuaLib, certs: CertificateManagerLib): void {
    if (this.stopped) return;
    const cfg = this.cfg;
    try {
      for (const [i, n] of cfg.nodes.entries()) this.checkNodeId(lib, n.node_id, `nodes[${i}].node_id`);
      for (const [i, a] of cfg.event_alarms.entries()) this.checkNodeId(lib, a.alarm_source, `event_alarms[${i}].alarm_source`);
    } catch (err) {
      return this.failBridge((err as Error).message);
    }
    this.lib = lib;
    // The library prints its own warnings to the console; they belong in this plugin's log (process-wide
    // setting: there is one OPC-UA library per process).
    lib.setWarningLogger((...args: unknown[]) => ctx.log.warn(`node-opcua: ${format(...args)}`));
    lib.setErrorLogger((...args: unknown[]) => ctx.log.error(`node-opcua: ${format(...args)}`));
    this.faults = new OpcuaFaults(cfg, { report: (r) => ctx.reportFault(r), clear: (c) => ctx.clearFault(c) }, ctx.log, (s) => lib.resolveNodeId(s).toString());
    this.dataPath = new DataPath(cfg, lib, ctx.log, () => ctx.ros());
    if (cfg.poll_interval_requested_ms !== undefined) ctx.log.warn(`poll_interval_ms ${cfg.poll_interval_requested_ms} clamped to ${cfg.poll_interval_ms} (100–60000)`);
    const onDisconnected = (why: string) => {
      this.dataPath?.onDisconnected();
      this.faults?.onDown(why);
    };
    // A set-up step that fails after polling started must not leave it reading the abandoned session.
    const onConnected = (live: LiveSession) =>
      this.onConnected(live).catch((err: unknown) => {
        this.dataPath?.onDisconnected();
        throw err;
      });
    const deadline: Deadline = (what, fn) => this.withRequestDeadline(what, fn);
    this.discovery = new ServerDiscovery(lib, cfg, deadline, ctx.log, {
      addNodes: (nodes) => {
        this.items.add(nodes);
        if (this.writableOf(cfg.component_id).length > 0) ctx.registerEntityCapability(cfg.component_id, 'x-plc-operations');
        // New items change what hasData()/hasOperations() answer for their entities: cached details must go.
        ctx.notifyDetailsChanged?.();
      },
      changed: () => void ctx.notifyEntitiesChanged({ component_id: cfg.component_id }).catch((err: Error) => ctx.log.warn(`re-discovery failed: ${err.message}`)),
    });
    const deps = { cfg, lib, ctx, items: this.items, faults: this.faults, dataPath: this.dataPath, discovery: this.discovery, deadline };
    this.session = new SessionSetup({ ...deps, onDataValue: (item, dv) => this.onDataValue(item, dv), bridges: (id) => this.bridges(id) });
    this.conn = new OpcuaConnection(lib, certs, cfg, { onConnected, onDisconnected, onAlive: () => this.verifyWrites() }, ctx.log);
    this.faults.onDown('not connected yet');
    this.conn.start();
  }

  private checkNodeId(lib: OpcuaLib, s: string, key: string): void {
    try {
      lib.resolveNodeId(s);
    } catch (err) {
      throw new OpcuaConfigError(key, `'${s.slice(0, 40)}' is not a NodeId: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.faults?.stop();
    this.dataPath?.stop();
    await this.conn?.stop();
  }

  private get connected(): boolean {
    return this.conn?.current !== undefined;
  }

  /** A new connection: its set-up (session-setup.ts), then the writes that timed out are read back. */
  private async onConnected(live: LiveSession): Promise<void> {
    await this.session!.onConnected(live);
    // After the connection counts as up (verifyWrites reads through it), without holding up the connect.
    setImmediate(() => this.verifyWrites());
  }

  /** Requests through the connection's deadline, so that missed deadlines count towards hang detection. */
  private withRequestDeadline<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.conn ? this.conn.guard(what, fn) : withDeadline('opcua', what, this.cfg.request_timeout_ms, fn);
  }

  /** Reads back the nodes of writes that timed out (write-checks.ts); never throws. */
  private verifyWrites(): void {
    if (!this.writeChecks.hasPending || !this.connected) return;
    void this.writeChecks
      .verify(
        async (nodeId, dataId) => {
          const dv = await this.conn!.call('read back', (s) => s.read({ nodeId, attributeId: this.lib.AttributeIds.Value }));
          if (!dv.statusCode.isGood()) throw new Error(dv.statusCode.name);
          return valueToJson(this.items.get(dataId)?.type, dv.value?.value);
        },
        (m) => this.ctx?.log.warn(m),
      )
      .catch(() => undefined);
  }

  private onDataValue(item: ItemState | undefined, dv: DataValue): void {
    if (!item) return;
    this.dataPath?.settleVariantType(item, dv);
    if (item.mismatch) return; // refused: its values feed nothing
    const value = valueToJson(item.type, dv.value?.value);
    this.items.update(
      item.node.data_name,
      { value, status: dv.statusCode.name, sourceTimestamp: dv.sourceTimestamp?.toISOString(), serverTimestamp: dv.serverTimestamp?.toISOString() },
      true,
    );
    if (!dv.statusCode.isGood()) return;
    this.faults?.onValue(item.node, value);
    this.dataPath?.republish(item, value);
  }

  /** Event fields → plain values: NodeIds as strings, LocalizedText as its text, ByteStrings as hex. */
  // ---- IntrospectionProvider ----

  introspect(): IntrospectionResult {
    const cfg = this.cfg;
    return {
      new_entities: {
        ...(cfg.area_id ? { areas: [{ id: cfg.area_id, name: cfg.area_id }] } : {}),
        // One App per node-map entity_id, located on the component (docs/opcua.md "What appears in the tree").
        apps: this.appIds().map((id) => ({ id, name: id, component_id: cfg.component_id, external: true, tags: ['opcua'] })),
        components: [
          {
            id: cfg.component_id,
            name: cfg.component_name,
            description: `OPC-UA server ${cfg.endpoint_url}`,
            type: 'controller',
            // External: the component itself reports faults (its id is their source).
            external: true,
            tags: ['opcua'],
            ...(cfg.area_id ? { area: cfg.area_id } : {}),
            ...(this.discovery?.nameplate ? { identity: this.discovery.nameplate } : {}),
          },
        ],
      },
      metadata: { [cfg.component_id]: this.status() },
    };
  }

  /** The App ids of the node map, in first-use order. */
  private appIds(): string[] {
    return [...new Set(this.cfg.nodes.flatMap((n) => (n.entity_id ? [n.entity_id] : [])))];
  }

  /** The entity serving an item: its App, or the component. */
  private ownerOf(item: ItemState): string {
    return item.node.entity_id ?? this.cfg.component_id;
  }

  /** What `x-plc-status` and the entity metadata say (never credentials). */
  status(): Record<string, unknown> {
    const cfg = this.cfg;
    const c = this.conn;
    const writeChecks = this.writeChecks.status();
    return {
      connected: this.connected,
      state: c?.state ?? 'waiting',
      endpoint_url: cfg.endpoint_url,
      security_mode: cfg.security_mode,
      security_policy: cfg.security_policy,
      user_auth_mode: cfg.user_auth_mode,
      // Configured and discovered (auto_browse) items alike.
      node_count: this.items.all().length,
      event_alarm_count: cfg.event_alarms.length,
      // mode, poll_count, error_count (connection + polling), server_description, type_mismatches
      ...(this.dataPath?.status(c?.errorCount ?? 0, this.items.all()) ?? { mode: cfg.prefer_subscriptions ? 'subscription' : 'polling', poll_count: 0, error_count: 0 }),
      ...(this.bridgeError ? { last_error: this.bridgeError } : c?.lastError ? { last_error: c.lastError } : {}),
      ...(c?.connectedAt && this.connected ? { connected_since: new Date(c.connectedAt).toISOString() } : {}),
      ...(!this.connected && c ? { down_since: new Date(c.downSince).toISOString() } : {}),
      active_faults: [...(this.faults?.active ?? [])],
      active_alarms: [...(this.faults?.active ?? [])],
      auto_alarms: cfg.auto_alarms,
      ...(cfg.auto_alarms ? { auto_alarm_count: this.faults?.conditions.all().filter((t) => t.auto).length ?? 0, auto_alarms_overflow: this.faults?.conditions.overflow ?? 0 } : {}),
      ...(this.session?.replay ? { condition_replay: this.session.replay } : {}),
      ...this.discovery?.status(c),
      ...(writeChecks ? { write_checks: writeChecks } : {}),
    };
  }

  // ---- DataProvider ----

  /** The item `name` when `entityId` serves it. */
  private owned(entityId: string, name: string): ItemState | undefined {
    const item = this.items.get(name);
    return item && this.ownerOf(item) === entityId ? item : undefined;
  }

  private item(entity: PluginEntityRef, name: string): ItemState {
    const item = this.owned(entity.id, name);
    if (!item) throw new PluginError('resource-not-found', `No data item '${name}' on ${entity.id}`, 404, { entity_id: entity.id, data_id: name });
    return item;
  }

  /** A node whose server type does not fit its declaration is refused (docs/opcua.md "Declared data types"). */
  private refuseMismatch(item: ItemState): void {
    if (item.mismatch) throw new PluginError('x-medkit-opcua-type-mismatch', `${item.node.data_name}: ${item.mismatch}`, 502, { data_id: item.node.data_name, node_id: item.node.node_id, data_type: item.node.data_type ?? 'int', server_data_type: item.type ?? item.dataTypeId ?? 'unknown' });
  }

  listData(entity: PluginEntityRef): JsonValue {
    return this.items.list((i) => this.ownerOf(i) === entity.id);
  }

  hasData(entity: PluginEntityRef): boolean {
    return this.items.all().some((i) => this.ownerOf(i) === entity.id);
  }

  async readData(entity: PluginEntityRef, name: string): Promise<JsonValue> {
    const item = this.item(entity, name);
    this.refuseMismatch(item);
    // Before the first notification of a fresh connection: one read with the request deadline.
    // Nothing yet, or only a value from before a reconnection: read it now rather than serve it as fresh.
    if (this.connected && !this.items.isFresh(item)) {
      try {
        const dv = await this.conn!.call('read', (s) => s.read({ nodeId: item.node.node_id, attributeId: this.lib.AttributeIds.Value }));
        this.onDataValue(item, dv);
      } catch (err) {
        throw remoteFailure(err, `reading ${name}`);
      }
    }
    if (item.value === undefined) throw new PluginError('service-unavailable', `No value of '${name}' yet: not connected to the OPC-UA server`, 503, { data_id: name, connected: false });
    if (item.status?.startsWith('Bad')) {
      throw new PluginError('x-medkit-opcua-bad-status', `The OPC-UA server answers ${item.status} for ${item.node.node_id}`, 502, { data_id: name, node_id: item.node.node_id, status_code: item.status });
    }
    return this.items.body(item, this.connected);
  }

  async writeData(entity: PluginEntityRef, name: string, value: JsonValue): Promise<JsonValue> {
    const item = this.item(entity, name);
    await this.writeItem(item, value);
    const body = this.items.body(item, true);
    return { ...body, data: value, 'x-medkit': { ...body['x-medkit'], status: 'written' } };
  }

  /** The one write path of `/data`, the `set_<name>` operations and `x-plc-operations` (item-write.ts). */
  writeItem(item: ItemState, value: JsonValue): Promise<void> {
    const port: WritePort = { conn: this.conn, connected: this.connected, lib: this.lib, writeChecks: this.writeChecks, requestTimeoutMs: this.cfg.request_timeout_ms, refuseMismatch: (i) => this.refuseMismatch(i) };
    return writeItem(port, item, value);
  }

  subscribeData(entity: PluginEntityRef, name: string, onValue: (value: JsonValue) => void): () => void {
    this.item(entity, name);
    return this.items.listen(name, onValue);
  }

  // ---- OperationProvider: `set_<data_name>` for the writable items of an entity ----

  private writableOf(entityId: string): ItemState[] {
    return this.items.all().filter((i) => i.node.writable && this.ownerOf(i) === entityId);
  }

  /** Entities reporting native-condition faults also have `acknowledge_fault` and `confirm_fault`. */
  private hasConditions(entityId: string): boolean {
    return conditionEntityIds(this.cfg).has(entityId);
  }

  listOperations(entity: PluginEntityRef): JsonValue {
    return { items: [...this.writableOf(entity.id).map((i) => setOperation(i)), ...(this.hasConditions(entity.id) ? conditionOperationItems() : [])] } as JsonValue;
  }

  hasOperations(entity: PluginEntityRef): boolean {
    return this.writableOf(entity.id).length > 0 || this.hasConditions(entity.id);
  }

  /** One dispatch for every operation of the plugin: the condition operations, else `set_<data_name>`. */
  async executeOperation(entity: PluginEntityRef, name: string, parameters: JsonValue): Promise<JsonValue> {
    if (isConditionOperation(name) && this.hasConditions(entity.id)) {
      if (!this.faults) throw new PluginError('service-unavailable', `${name}: the OPC-UA bridge is not started`, 503);
      return { parameters: { ...(await runConditionOperation(this.faults.conditions, this.conditionCaller, entity.id, name, parameters)) } };
    }
    return { parameters: await this.runSet(entity.id, name, parameters) };
  }

  /** Acknowledge / Confirm on the live session, with the request deadline (503 when not connected). */
  private readonly conditionCaller: ConditionCaller = {
    call: async (method, conditionId, eventId, comment) => {
      try {
        if (!this.conn) throw new NotConnectedError();
        const status = await this.conn.call(method, (s) => (method === 'Acknowledge' ? s.acknowledgeCondition(this.lib.resolveNodeId(conditionId), eventId, comment) : s.confirmCondition(conditionId, eventId, comment)));
        return status.name;
      } catch (err) {
        throw remoteFailure(err, `${method} of condition ${conditionId}`);
      }
    },
  };

  /** Runs `set_<data_name>` with `{value}` on an entity's item; read-only items are refused (400), unknown names 404. */
  async runSet(entityId: string, operation: string, parameters: unknown): Promise<SetResult> {
    const item = operation.startsWith(SET_PREFIX) ? this.owned(entityId, operation.slice(SET_PREFIX.length)) : undefined;
    if (!item) throw new PluginError('operation-not-found', `Operation '${operation}' not found on ${entityId}`, 404, { entity_id: entityId, operation_id: operation });
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters) || !('value' in parameters)) {
      throw new PluginError('invalid-parameter', `${operation} takes {"value": …}`, 400, { operation_id: operation });
    }
    const value = (parameters as { value: unknown }).value;
    await this.writeItem(item, value);
    return { status: 'success', operation, node_id: item.node.node_id, value_written: value };
  }

  /** The `x-plc-data` view of an entity's items: last values without a round trip to the server. */
  plcData(entityId: string): PlcData {
    const items = this.items.all().filter((i) => this.ownerOf(i) === entityId);
    return { entity_id: entityId, connected: this.connected, timestamp: new Date().toISOString(), items: items.map(plcItem) };
  }

  /** One item of `plcData`, or undefined when the entity has no such item. */
  plcDataItem(entityId: string, name: string): PlcItem | undefined {
    const item = this.owned(entityId, name);
    return item ? plcItem(item) : undefined;
  }

  /** The entities this plugin serves items on (the component and its Apps). */
  bridges(entityId: string): boolean {
    return entityId === this.cfg.component_id || this.appIds().includes(entityId);
  }

  // ---- Vendor routes ----

  isComponent(entityId: string): boolean {
    return entityId === this.cfg.component_id;
  }

  getRoutes(): PluginRoute[] {
    return plcRoutes(this, () => this.ctx);
  }
}

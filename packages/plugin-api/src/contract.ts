// The plugin contract (docs/plugins.md, Node adaptation docs/plugins.md): what a plugin module exports, the base
// plugin, the provider interfaces of docs/plugins.md, the PluginContext of docs/plugins.md and vendor routes of docs/plugins.md. The
// gateway implements the context; plugins, built-in or not, type against this and nothing else.
import type { App, Area, Component, Entity, EntityType, ErrorDefinition, IdentityField, SovdFunction } from '@medkit/sovd';
import type { PluginRosAccess } from './ros-access.js';
import type { PluginContextHostAccess } from './host-access.js';

/** The plugin API version this gateway speaks; a module must export exactly this (docs/plugins.md). */
export const PLUGIN_API_VERSION = 7;

/** What a plugin ES module exports (docs/plugins.md). Provider getters return undefined when not implemented. */
export interface PluginModule {
  pluginApiVersion: number;
  createPlugin(): MedkitPlugin;
  getIntrospectionProvider?(plugin: MedkitPlugin): IntrospectionProvider | undefined;
  getDataProvider?(plugin: MedkitPlugin): DataProvider | undefined;
  getOperationProvider?(plugin: MedkitPlugin): OperationProvider | undefined;
  getFaultProvider?(plugin: MedkitPlugin): FaultProvider | undefined;
  getLifecycleProvider?(plugin: MedkitPlugin): LifecycleProvider | undefined;
  getLogProvider?(plugin: MedkitPlugin): LogProvider | undefined;
  getScriptProvider?(plugin: MedkitPlugin): ScriptProvider | undefined;
  getUpdateProvider?(plugin: MedkitPlugin): UpdateProvider | undefined;
  /** OpenAPI path items of the plugin's routes, keyed by path under `/api/v1` (shown in `/docs`). */
  describePluginRoutes?(plugin: MedkitPlugin): Record<string, unknown>;
  /**
   * [ours] The `plugins.<name>.<key>` keys the plugin reads, dotted as a flattened configuration writes them
   * (`reconnect.initial_delay_ms`); `prefix.*` covers `prefix` and everything below it, for a map the plugin checks
   * itself (`function_overrides.*`). `path` and `call_timeout_ms` are the gateway's. When given, start-up stops on
   * any other key, naming it, so a misspelt setting is never silently ignored; without it the gateway warns at
   * start-up that the plugin's keys are not checked.
   */
  configKeys?: readonly string[];
  /**
   * [ours] The plugin's own error codes (`x-…`, each defined with `createError`: code, status, message template)
   * that a client should see by name. A PluginError with one of them is answered as `vendor-error` with that
   * `vendor_code`, as a code of the gateway's own table is; any other `x-…` code of a provider call becomes
   * `x-medkit-plugin-error` (docs/plugins.md). Optional: absent, only the gateway's codes keep their name.
   */
  errorCodes?: readonly ErrorDefinition[];
}

/** JSON configuration of one plugin: every `plugins.<name>.<key>` except `path`, dotted keys nested. */
export type PluginConfig = Record<string, unknown>;

/** The base contract (docs/plugins.md). */
export interface MedkitPlugin {
  /** Unique; also the name of its discovery layer and its `x-medkit.plugins.<name>` metadata. */
  name(): string;
  /** Called once, before anything else. Throwing disables the plugin. */
  configure(config: PluginConfig): void | Promise<void>;
  setContext?(ctx: PluginContext): void | Promise<void>;
  /** Called once when the HTTP server is built. */
  getRoutes?(): PluginRoute[];
  shutdown?(): void | Promise<void>;
}

// ---- Introspection (docs/plugins.md, docs/manifest.md) ----

export interface IntrospectionInput {
  areas: readonly Area[];
  components: readonly Component[];
  apps: readonly App[];
  functions: readonly SovdFunction[];
}

/** Entities as a plugin declares them: an id and whatever fields it knows (validated and completed by the gateway). */
export type PluginEntity<T> = Partial<T> & { id: string };

/**
 * [ours] The nameplate sources a plugin may claim (docs/manifest.md, highest first): a fieldbus bridge names
 * its protocol only when it read the nameplate over an authenticated, integrity-protected channel;
 * anything else is `plugin`, which ranks below the manifest. The gateway's own sources (`manifest`,
 * `inventory`, `config`, `runtime`, …) cannot be claimed: an unknown source is stamped `plugin`.
 */
export const PLUGIN_IDENTITY_SOURCES = ['opcua', 's7', 'ethernet_ip', 'modbus', 'ads', 'profinet', 'plugin'] as const;
export type PluginIdentitySource = (typeof PLUGIN_IDENTITY_SOURCES)[number];

/**
 * [ours] A Component nameplate as a plugin reports it: every field gets `source` as its provenance and
 * merges with other sources' nameplates field by field by precedence (docs/manifest.md). Strings are
 * bounded (256 characters, control characters removed); at most 32 extras with keys of `A-Z a-z 0-9 _ . -`.
 */
export interface PluginIdentity {
  source: PluginIdentitySource;
  fields: Partial<Record<IdentityField, string>>;
  extra?: Record<string, string>;
}

/** A Component as a plugin declares it: its nameplate, if any, in the typed PluginIdentity form. */
export type PluginComponent = Omit<PluginEntity<Component>, 'identity'> & { identity?: PluginIdentity };

export interface IntrospectionResult {
  new_entities?: {
    areas?: PluginEntity<Area>[];
    components?: PluginComponent[];
    apps?: PluginEntity<App>[];
    functions?: PluginEntity<SovdFunction>[];
  };
  /** Per entity id, shown under `x-medkit.plugins.<plugin>` in that entity's detail (docs/beacons.md). */
  metadata?: Record<string, unknown>;
}

export interface IntrospectionProvider {
  /** Called every refresh with the entities of the layers before it. */
  introspect(input: IntrospectionInput): IntrospectionResult | Promise<IntrospectionResult>;
}

/** The entity a provider call is about. */
export interface PluginEntityRef {
  type: EntityType;
  id: string;
  entity: Entity;
}

// ---- Data / operations / faults / lifecycle (per owned entity) ----

const PLUGIN_ERROR = Symbol.for('@medkit/plugin-api.PluginError');

/**
 * True for a PluginError, whichever copy of this package the plugin that threw it imported, and for the
 * contract's form for a plugin that does not import this package at run time (docs/plugins.md): an Error named
 * `PluginError` with a string `code`. This is the one place an error is told apart by its name.
 */
export function isPluginError(err: unknown): err is PluginError {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as Record<symbol, unknown>)[PLUGIN_ERROR] === true) return true;
  return err instanceof Error && err.name === 'PluginError' && typeof (err as { code?: unknown }).code === 'string';
}

/**
 * The error a provider throws to answer with a SOVD error: `code` is a SOVD or `x-…` code, `status` the
 * HTTP status (clamped to 400–599). Anything else a provider throws becomes 500 `x-medkit-plugin-error`.
 */
export class PluginError extends Error {
  /** Marks a PluginError of any copy of this package (a plugin may bring its own): see {@link isPluginError}. */
  readonly [PLUGIN_ERROR] = true;

  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly parameters: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PluginError';
  }

  /** The error of a code defined with `createError`: its code and status, the message its template with `args` filled in. */
  static of(definition: ErrorDefinition, args: readonly unknown[] = [], parameters: Record<string, unknown> = {}): PluginError {
    return new PluginError(definition.code, definition.format(...args), definition.status, parameters);
  }
}

/** Bodies are passed to the client verbatim (opaque schemas); emit SOVD shapes (`{items: [...]}`). */
export type JsonValue = unknown;

export interface DataProvider {
  listData(entity: PluginEntityRef): JsonValue | Promise<JsonValue>;
  readData(entity: PluginEntityRef, name: string): JsonValue | Promise<JsonValue>;
  writeData(entity: PluginEntityRef, name: string, value: JsonValue): JsonValue | Promise<JsonValue>;
  /** Default true. */
  hasData?(entity: PluginEntityRef): boolean;
  /**
   * [ours] Streams changes of one data item (the body readData would answer) so triggers on
   * `…/data/<name>` fire when the value changes; returns the unsubscribe function. Optional: without it
   * triggers cannot observe the plugin's data (cyclic subscriptions still sample readData). Throw a
   * PluginError to refuse an unknown name.
   */
  subscribeData?(entity: PluginEntityRef, name: string, onValue: (value: JsonValue) => void, onError?: (err: Error) => void): () => void;
}

export interface OperationProvider {
  listOperations(entity: PluginEntityRef): JsonValue | Promise<JsonValue>;
  /** Default: the item of listOperations whose `id` is `name`. */
  getOperation?(entity: PluginEntityRef, name: string): JsonValue | Promise<JsonValue>;
  executeOperation(entity: PluginEntityRef, name: string, parameters: JsonValue): JsonValue | Promise<JsonValue>;
  /** Default true. */
  hasOperations?(entity: PluginEntityRef): boolean;
}

export interface FaultProvider {
  listFaults(entity: PluginEntityRef): JsonValue | Promise<JsonValue>;
  getFault(entity: PluginEntityRef, code: string): JsonValue | Promise<JsonValue>;
  clearFault(entity: PluginEntityRef, code: string): void | Promise<void>;
}

export type LifecycleTransition = 'start' | 'restart' | 'force-restart' | 'shutdown' | 'force-shutdown';

export interface LifecycleProvider {
  getStatus(entity: PluginEntityRef): { status: 'ready' | 'notReady'; transitions?: LifecycleTransition[]; detail?: Record<string, unknown> } | Promise<{ status: 'ready' | 'notReady'; transitions?: LifecycleTransition[]; detail?: Record<string, unknown> }>;
  /** Throw PluginError('insufficient-access-rights' | 'precondition-not-fulfilled' | 'not-implemented', …) to refuse. */
  requestTransition(entity: PluginEntityRef, transition: LifecycleTransition): void | Promise<void>;
}

// ---- Logs (docs/resources.md) ----

export type LogSeverity = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** One log entry as observers see it. */
export interface PluginLogEntry {
  id: number;
  /** ISO 8601. */
  timestamp: string;
  severity: LogSeverity;
  /** Node FQN (for /rosout) or the entity id of a programmatic source. */
  source: string;
  logger: string;
  message: string;
  /** [ours] Where a `/rosout` line was logged (empty / 0 for programmatic entries); absent on older gateways. */
  file?: string;
  line?: number;
  function?: string;
}

export interface LogProvider {
  /** True: the plugin sources logs itself (no /rosout subscription, no ring buffer). Asked once. Default false. */
  managesIngestion?(): boolean;
  /** Observer: every entry; return true to keep it out of the gateway's ring buffer. */
  onLogEntry?(entry: PluginLogEntry): boolean | void;
  /** Serves queries (the first provider with it). */
  getLogs?(query: { nodeFqns: string[]; minSeverity: LogSeverity; entityId?: string }): PluginLogEntry[] | Promise<PluginLogEntry[]>;
}

// ---- Scripts and updates (docs/plugins.md; sections 8 and 14 of the spec) ----

/**
 * A script backend (docs/scripts.md). The scripts routes of an entity the plugin owns go to its provider; the
 * first plugin with one (in `plugins` order) serves the scripts of every other entity instead of the
 * built-in backend. Bodies go to the client verbatim: return SOVD shapes (`{items: [...]}`, a ScriptExecution).
 * The optional methods answer 501 when absent. `startExecution` answers 202 with `Location` built from the
 * returned `id`.
 */
export interface ScriptProvider {
  listScripts(entity: PluginEntityRef): JsonValue | Promise<JsonValue>;
  getScript(entity: PluginEntityRef, scriptId: string): JsonValue | Promise<JsonValue>;
  startExecution(entity: PluginEntityRef, scriptId: string, request: { execution_type: string; parameters?: JsonValue }): JsonValue | Promise<JsonValue>;
  getExecution(entity: PluginEntityRef, scriptId: string, executionId: string): JsonValue | Promise<JsonValue>;
  /** Stop (`stop`) or kill (`forced_termination`) a running execution; returns the execution. */
  controlExecution?(entity: PluginEntityRef, scriptId: string, executionId: string, action: 'stop' | 'forced_termination'): JsonValue | Promise<JsonValue>;
  deleteExecution?(entity: PluginEntityRef, scriptId: string, executionId: string): void | Promise<void>;
  deleteScript?(entity: PluginEntityRef, scriptId: string): void | Promise<void>;
}

interface UpdateReporterLike {
  progress(percent: number, message?: string | null): void;
}

export interface UpdateProvider {
  /** Checks a registration; throw PluginError('invalid-parameter', …, 400) to refuse it. */
  registerUpdate(metadata: Record<string, unknown>): void | Promise<void>;
  prepare(id: string, metadata: Record<string, unknown>, reporter: UpdateReporterLike): Promise<void>;
  execute(id: string, metadata: Record<string, unknown>, reporter: UpdateReporterLike): Promise<void>;
  supportsAutomated?(id: string): boolean;
  deleteUpdate?(id: string): void | Promise<void>;
}

// ---- Routes (docs/plugins.md) ----

export interface PluginRequest {
  /** i = 0: the whole match; 1…: capture groups of the route pattern. */
  pathParam(i: number): string | undefined;
  header(name: string): string | undefined;
  path(): string;
  body(): unknown;
  queryParam(name: string): string | undefined;
}

export interface PluginResponse {
  sendJson(data: unknown, status?: number): void;
  sendError(status: number, errorCode: string, message: string, parameters?: Record<string, unknown>): void;
}

export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Regular expression relative to `/api/v1/`, no leading slash, e.g. `x-acme/status` or `apps/([^/]+)/x-acme-trace`. */
  pattern: string;
  /**
   * Minimum role when authentication is on (docs/security.md [OURS]). Vendor routes need `viewer` to read and
   * `configurator` for anything else; a route may ask for more (never less), e.g. `admin` for a GET that
   * reveals process command lines.
   */
  role?: 'viewer' | 'operator' | 'configurator' | 'admin';
  handler(req: PluginRequest, res: PluginResponse): void | Promise<void>;
}

// ---- Context (docs/plugins.md) ----

export interface PluginEntityInfo {
  type: EntityType;
  id: string;
  namespace_path?: string;
  fqn?: string;
}

export interface PluginLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A trigger condition evaluator registered under an `x-` name (docs/plugins.md, triggers docs/triggers.md). */
export interface ConditionEvaluator {
  evaluate(previous: unknown, current: unknown, params: unknown): boolean;
  /** Throw to reject a trigger's parameters. */
  validateParams(params: unknown): void;
}

/** [ours] A fault report to the gateway's own fault manager (docs/faults.md: the ReportFault semantics). */
export interface PluginFaultReport {
  /** Global fault code: 1–256 characters of `A-Z a-z 0-9 _ . -`, no `..`. */
  fault_code: string;
  /** FAILED raises (debounced by the fault manager), PASSED counts toward healing. */
  event: 'FAILED' | 'PASSED';
  /** Default ERROR; CRITICAL confirms at once. Ignored for PASSED. */
  severity?: 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
  description?: string;
  /** The reporting entity (an app or an `external` component the plugin declares); the fault is listed under it. */
  entity_id: string;
}

/** A cyclic-subscription / trigger sampler of a whole collection (docs/faults.md). */
export type Sampler = (entityId: string, resourcePath: string | undefined) => unknown | Promise<unknown>;

/**
 * [ours] One fault event of the gateway's fault manager as a plugin observes it ({@link PluginContext.subscribeFaultEvents}):
 * the event of `/faults/stream` (docs/faults.md), with the entity the fault belongs to and the path of its detail.
 */
export interface PluginFaultEvent {
  /** Increasing per gateway run. */
  id: number;
  /** `fault_cleared` is sent both for a heal (`fault.status` HEALED) and an explicit clear (CLEARED). */
  event_type: 'fault_confirmed' | 'fault_updated' | 'fault_cleared';
  /** ISO 8601 (milliseconds). */
  timestamp: string;
  fault: {
    fault_code: string;
    description: string;
    /** 0 INFO, 1 WARN, 2 ERROR, 3 CRITICAL. */
    severity: number;
    /** `info`, `warning`, `error`, `critical`. */
    severity_label: string;
    /** PREFAILED, PREPASSED, CONFIRMED, HEALED or CLEARED. */
    status: string;
    occurrence_count: number;
    reporting_sources: string[];
    /** ISO 8601. */
    first_occurred: string;
    last_occurred: string;
  };
  /** The entity of the fault's first reporting source, when the gateway knows it. */
  entity?: { type: EntityType; id: string };
  /** Path of the fault's detail under the gateway's base URL: `/api/v1/apps/<id>/faults/<code>` (or `/api/v1/faults/<code>`). */
  path: string;
  /** Symptoms cleared together with this root cause (a `fault_cleared` from a clear). */
  auto_cleared_codes?: string[];
}

/** A `/health` warning from a plugin ({@link PluginContext.reportWarnings}); `code` is the plugin's own, snake_case. */
export interface PluginWarning {
  code: string;
  message: string;
  /**
   * [ours] The plugin cannot do part of its job (a rule whose input is dead): `/health` says `degraded`, as for the
   * gateway's own degrading warnings (docs/api.md "Health"). Default: a notice. Ignored by gateways before it.
   */
  degrades?: boolean;
}

/** What the gateway hands a plugin in `setContext`; the members reading its settings and registries are in host-access.ts. */
export interface PluginContext extends PluginContextHostAccess {
  /** Logger `plugin.<name>`. */
  readonly log: PluginLogger;
  getEntity(id: string): PluginEntityInfo | undefined;
  getChildApps(componentId: string): App[];
  getEntitySnapshot(): IntrospectionInput;
  /** The faults of one entity (its scope, as `GET /{entity}/faults`), of any status; `[]` for an unknown id. */
  listEntityFaults(id: string): unknown[];
  /** Every fault of the fault manager, of any status (REST list items; `x-medkit.status` is the raw status). */
  listAllFaults(): { faults?: unknown[] };
  /** Checks id format, existence and type; sends the SOVD error itself and returns undefined on failure. */
  validateEntityForRoute(req: PluginRequest, res: PluginResponse, id: string): PluginEntityInfo | undefined;
  registerCapability(entityType: EntityType, name: string): void;
  registerEntityCapability(entityId: string, name: string): void;
  getTypeCapabilities(entityType: EntityType): string[];
  getEntityCapabilities(entityId: string): string[];
  /** Same check as built-in mutating routes: throws the SOVD 409 error when another client holds a lock. */
  checkLock(entityId: string, clientId: string | undefined, collection: string): void;
  acquireLock(entityId: string, clientId: string, scopes: string[] | undefined, ttlSeconds: number): string;
  releaseLock(entityId: string, clientId: string): void;
  registerSampler(collection: string, sampler: Sampler): void;
  /**
   * [ours] Reports to the gateway's fault manager (the reference's plugins call its ReportFault service).
   * False when the fault manager rejected the report or is not running.
   */
  reportFault(report: PluginFaultReport): boolean;
  /**
   * [ours] ClearFault of a code this plugin reported, in this run or an earlier one (one of its entities
   * is a reporting source); status CLEARED, kept in history. False otherwise or when no fault manager runs.
   */
  clearFault(faultCode: string): boolean;
  registerConditionEvaluator(name: string, evaluator: ConditionEvaluator): void;
  /** The plugin added or removed entities: re-run discovery now (the scope is a hint). */
  notifyEntitiesChanged(scope?: { area_id?: string; component_id?: string }): Promise<void>;
  /**
   * [ours] Something this plugin contributes to entity details changed outside an introspection pass: what its
   * `hasData()` / `hasOperations()` answer. The gateway caches each entity's detail (with the capabilities those
   * answers add or remove) and asks the plugin again only after this call, a capability registration, an
   * introspection pass or the plugin being disabled; the request after the call already sees the new answer.
   * Synchronous and cheap: call it whenever the answers may have changed (docs/plugins.md, "Caching"). Optional
   * (`ctx.notifyDetailsChanged?.()`): absent on gateways before this contract, which cache nothing.
   */
  notifyDetailsChanged?(): void;
  /** The ROS-flavoured part of the context (docs/faults.md); undefined when the gateway runs without ROS. */
  ros(): PluginRosAccess | undefined;
  /**
   * [ours] Process ids this plugin learnt for entities (entity id → pid, e.g. a beacon's `process_id`),
   * replacing everything it reported before; ids outside 1..2^32−1 are ignored (docs/introspection.md). Other plugins
   * (process introspection) read them with processIdOf. Optional: absent on gateways before this contract.
   */
  reportProcessIds?(pids: ReadonlyMap<string, number>): void;
  /**
   * [ours] What this plugin wants on `/health` as warnings, asked each time `/health` is read (cheap, synchronous;
   * at most 16 are shown, messages cut at 500 characters). A plugin that works but with part of its configuration
   * refused or waiting (a rule whose topic does not exist yet) says so here. Optional: absent on older gateways.
   */
  reportWarnings?(source: () => PluginWarning[]): void;
  /**
   * [ours] Every fault event of the gateway's fault manager from now on (delivered synchronously on the fault path:
   * keep the listener cheap, queue work); returns the function that stops it. Events start once the fault manager runs
   * (a subscription made in `setContext` sees the first one); a gateway without a fault manager delivers none; a
   * listener that throws counts as a failed call. Optional: absent on older gateways.
   */
  subscribeFaultEvents?(listener: (event: PluginFaultEvent) => void): () => void;
  /** [ours] The process another plugin reported for an entity, with the reporting plugin's name (first reporter wins). */
  processIdOf?(entityId: string): { pid: number; source: string } | undefined;
}

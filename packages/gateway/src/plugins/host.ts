// The loaded plugins and everything the gateway asks of them (docs/plugins.md): lifecycle calls that
// disable a plugin when they throw, provider calls with a deadline that answer 5xx when they fail,
// entity ownership and metadata from introspection (docs/plugins.md, docs/beacons.md), capabilities, and the /health report.
import type { Entity, EntitySnapshot, EntityType } from '../entities/model.js';
import type { DiscoveryLayer, LayerOutput } from '../entities/pipeline/layer.js';
import type { Logger } from '@medkit/kit';
import { type ConditionEvaluator, type DataProvider, type FaultProvider, type IntrospectionProvider, type LifecycleProvider, type LogProvider, type MedkitPlugin, type OperationProvider, PLUGIN_API_VERSION, type PluginConfig, type PluginContext, type PluginEntityRef, type PluginModule, type PluginRoute, type PluginWarning, providerFailure, type ScriptProvider, type UpdateProvider, withDeadline } from '@medkit/plugin-api';
import { DEFAULT_CALL_TIMEOUT_MS } from './config.js';
import { componentsWithIdentity } from './identity.js';

export interface PluginProviders {
  introspection?: IntrospectionProvider;
  data?: DataProvider;
  operations?: OperationProvider;
  faults?: FaultProvider;
  lifecycle?: LifecycleProvider;
  logs?: LogProvider;
  scripts?: ScriptProvider;
  updates?: UpdateProvider;
}

/** One plugin as /health reports it. */
interface PluginHealth {
  name: string;
  state: 'active' | 'disabled';
  /** Why it was disabled. */
  error?: string;
  /** Provider and introspection calls that threw or timed out. */
  failed_calls: number;
  last_error?: string;
  providers: string[];
  owned_entities: number;
  /** What the plugin itself reports (PluginContext.reportWarnings), bounded. */
  warnings: PluginWarning[];
}

/** Plugin warnings shown per plugin, and the length a message is cut to: a plugin cannot flood /health. */
const MAX_PLUGIN_WARNINGS = 16;
const MAX_WARNING_MESSAGE = 500;

export class LoadedPlugin {
  state: 'active' | 'disabled' = 'active';
  error?: string;
  failedCalls = 0;
  lastError?: string;
  routes: PluginRoute[] = [];
  /** PluginContext.reportWarnings' source. */
  warningSource?: () => PluginWarning[];
  /** Entity id → type, from the last successful introspect (docs/plugins.md). */
  owned = new Map<string, EntityType>();
  /** Entity id → metadata, from the last successful introspect (docs/beacons.md). */
  metadata = new Map<string, unknown>();
  /** What the gateway closes for this plugin after its shutdown() (its ROS subscriptions and clients). */
  private readonly closers: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly plugin: MedkitPlugin | undefined,
    readonly module: PluginModule | undefined,
    readonly providers: PluginProviders,
    readonly config: PluginConfig,
    readonly timeoutMs: number,
  ) {}

  get active(): boolean {
    return this.state === 'active';
  }

  onShutdown(close: () => void): void {
    this.closers.push(close);
  }

  /** Runs the registered closers once; a failing one does not stop the others. */
  closeResources(): void {
    for (const c of this.closers.splice(0)) {
      try {
        c();
      } catch {
        // Closing is best effort at shutdown.
      }
    }
  }
}

/** The provider getters of docs/plugins.md, in contract order. */
const GETTERS = [
  ['introspection', 'getIntrospectionProvider'],
  ['data', 'getDataProvider'],
  ['operations', 'getOperationProvider'],
  ['faults', 'getFaultProvider'],
  ['lifecycle', 'getLifecycleProvider'],
  ['logs', 'getLogProvider'],
  ['scripts', 'getScriptProvider'],
  ['updates', 'getUpdateProvider'],
] as const;

export class PluginHost {
  private readonly plugins: LoadedPlugin[] = [];
  /** Type-level and entity-level capabilities registered through the context (docs/plugins.md). */
  private readonly typeCaps = new Map<EntityType, Set<string>>();
  private readonly entityCaps = new Map<string, Set<string>>();
  /** Trigger condition evaluators registered through contexts (the triggers feature may start after plugins). */
  readonly conditions = new Map<string, ConditionEvaluator>();
  /** The plugin whose introspect is running (a notifyEntitiesChanged from inside it is skipped, docs/plugins.md). */
  introspecting?: string;
  /**
   * Moves whenever something plugins contribute to an entity's detail may have changed (see {@link detailOf}):
   * a capability registered, an introspection pass (ownership, metadata), a plugin disabled, or a plugin's own
   * `notifyDetailsChanged()`. Whoever caches what detailOf answered keys it by this, so a cached answer is
   * never served once it moved.
   */
  private detailRevision = 0;

  constructor(private readonly log: Logger) {}

  get list(): readonly LoadedPlugin[] {
    return this.plugins;
  }

  /**
   * Adds a plugin from its module (loaded from a path, or in-process for built-ins and tests: the same
   * contract). Checks the API version and creates the instance; a failure is recorded as a disabled plugin.
   */
  add(name: string, mod: PluginModule | undefined, config: PluginConfig = {}, timeoutMs = DEFAULT_CALL_TIMEOUT_MS, loadError?: string): LoadedPlugin {
    if (this.plugins.some((p) => p.name === name)) throw new Error(`plugin '${name}' is added twice`);
    let plugin: MedkitPlugin | undefined;
    const providers: PluginProviders = {};
    let error = loadError;
    if (!error && mod) {
      try {
        if (mod.pluginApiVersion !== PLUGIN_API_VERSION) throw new Error(`plugin API version ${String(mod.pluginApiVersion)} does not match the gateway's ${PLUGIN_API_VERSION}`);
        if (typeof mod.createPlugin !== 'function') throw new Error('the module does not export createPlugin()');
        plugin = mod.createPlugin();
        for (const [key, getter] of GETTERS) {
          const p = mod[getter]?.(plugin);
          if (p) (providers as Record<string, unknown>)[key] = p;
        }
      } catch (err) {
        error = (err as Error).message;
      }
    }
    const loaded = new LoadedPlugin(name, plugin, mod, providers, config, timeoutMs);
    this.plugins.push(loaded);
    if (error) this.disable(loaded, error);
    return loaded;
  }

  /** Marks a plugin disabled and logs why; the gateway and other plugins keep running (docs/plugins.md). */
  disable(p: LoadedPlugin, reason: string): void {
    this.invalidateDetails();
    p.state = 'disabled';
    p.error = reason;
    p.owned.clear();
    p.metadata.clear();
    this.log.error({ plugin: p.name }, `plugin '${p.name}' disabled: ${reason}`);
  }

  /** Runs a lifecycle call (configure, setContext, getRoutes, shutdown); a throw or timeout disables the plugin. */
  async lifecycle<T>(p: LoadedPlugin, call: string, fn: (plugin: MedkitPlugin) => T | Promise<T>): Promise<T | undefined> {
    if (!p.active || !p.plugin) return undefined;
    const plugin = p.plugin;
    try {
      return await withDeadline(p.name, call, p.timeoutMs, () => fn(plugin));
    } catch (err) {
      this.disable(p, `${call} failed: ${(err as Error)?.message ?? String(err)}`);
      return undefined;
    }
  }

  /** configure → setContext → getRoutes for every plugin, in list order (docs/plugins.md). */
  async start(contextFor: (p: LoadedPlugin) => PluginContext): Promise<void> {
    for (const p of this.plugins) {
      await this.lifecycle(p, 'configure', (pl) => pl.configure(p.config));
      await this.lifecycle(p, 'setContext', (pl) => pl.setContext?.(contextFor(p)));
      const routes = await this.lifecycle(p, 'getRoutes', (pl) => pl.getRoutes?.() ?? []);
      if (routes) p.routes = routes;
    }
  }

  async shutdown(): Promise<void> {
    for (const p of [...this.plugins].reverse()) {
      await this.lifecycle(p, 'shutdown', (pl) => pl.shutdown?.());
      p.closeResources();
    }
  }

  /** A provider call with the plugin's deadline; failures are counted and become SOVD 5xx errors (or the plugin's own error). */
  async call<T>(p: LoadedPlugin, call: string, fn: () => T | Promise<T>): Promise<T> {
    try {
      return await withDeadline(p.name, call, p.timeoutMs, fn);
    } catch (err) {
      const failure = providerFailure(p.name, call, err, p.module?.errorCodes);
      if (failure.status >= 500) this.recordFailure(p, failure.message);
      throw failure;
    }
  }

  /** Counts a failed call that is not a provider call (observers); the plugin stays active. */
  noteFailure(p: LoadedPlugin, message: string): void {
    this.recordFailure(p, message);
  }

  private recordFailure(p: LoadedPlugin, message: string): void {
    p.failedCalls++;
    p.lastError = message;
    this.log.warn({ plugin: p.name }, message);
  }

  /** One discovery layer per active IntrospectionProvider, in plugin order (docs/manifest.md). Ownership follows each pass. */
  discoveryLayers(): DiscoveryLayer[] {
    return this.plugins
      .filter((p) => p.providers.introspection)
      .map((p) => ({
        name: p.name,
        kind: 'plugin' as const,
        discover: async (input: EntitySnapshot): Promise<LayerOutput> => {
          if (!p.active) return {};
          this.introspecting = p.name;
          try {
            const out = await withDeadline(p.name, 'introspect', p.timeoutMs, () => p.providers.introspection!.introspect(input));
            const fresh = out?.new_entities ?? {};
            p.owned.clear();
            // [ours] A plugin without per-entity providers that re-declares an entity it was given only
            // enriches it (a beacon's shadow App): it does not own it, so built-in data/operations stay.
            const servesEntities = Boolean(p.providers.data || p.providers.operations || p.providers.faults || p.providers.lifecycle);
            for (const [type, list, known] of [['area', fresh.areas, input.areas], ['component', fresh.components, input.components], ['app', fresh.apps, input.apps], ['function', fresh.functions, input.functions]] as const) {
              const given = servesEntities ? undefined : new Set(known.map((e) => e.id));
              for (const e of list ?? []) if (e && typeof e.id === 'string' && !given?.has(e.id)) p.owned.set(e.id, type);
            }
            p.metadata = new Map(Object.entries(out?.metadata ?? {}));
            this.invalidateDetails();
            // Nameplates carry their claimed source as per-field provenance (docs/manifest.md), checked and bounded.
            return { ...fresh, components: componentsWithIdentity(fresh.components) } as LayerOutput;
          } catch (err) {
            // Counts as a throw for this pass: ownership cleared, the layer skipped (docs/plugins.md).
            p.owned.clear();
            p.metadata.clear();
            this.invalidateDetails();
            this.recordFailure(p, `introspect failed: ${(err as Error)?.message ?? String(err)}`);
            throw err;
          } finally {
            this.introspecting = undefined;
          }
        },
      }));
  }

  /** The active plugin that owns an entity (docs/plugins.md), if any. */
  ownerOf(id: string): LoadedPlugin | undefined {
    return this.plugins.find((p) => p.active && p.owned.has(id));
  }

  /** The owning plugin's provider of one kind, or undefined (then built-in managers serve the entity). */
  providerFor<K extends keyof PluginProviders>(kind: K, id: string): { plugin: LoadedPlugin; provider: NonNullable<PluginProviders[K]> } | undefined {
    const plugin = this.ownerOf(id);
    const provider = plugin?.providers[kind];
    return plugin && provider ? { plugin, provider: provider as NonNullable<PluginProviders[K]> } : undefined;
  }

  /** Active plugins that implement one provider kind, in list order. */
  withProvider<K extends keyof PluginProviders>(kind: K): { plugin: LoadedPlugin; provider: NonNullable<PluginProviders[K]> }[] {
    return this.plugins.filter((p) => p.active && p.providers[kind]).map((p) => ({ plugin: p, provider: p.providers[kind] as NonNullable<PluginProviders[K]> }));
  }

  registerTypeCapability(type: EntityType, name: string): void {
    let s = this.typeCaps.get(type);
    if (!s) this.typeCaps.set(type, (s = new Set()));
    if (!s.has(name)) this.invalidateDetails();
    s.add(name);
  }

  registerEntityCapability(id: string, name: string): void {
    let s = this.entityCaps.get(id);
    if (!s) this.entityCaps.set(id, (s = new Set()));
    if (!s.has(name)) this.invalidateDetails();
    s.add(name);
  }

  /** The current revision of what plugins contribute to entity details (see detailRevision). */
  get detailsRevision(): number {
    return this.detailRevision;
  }

  /** Something a plugin contributes to entity details may have changed: cached details are dropped on the next request. */
  invalidateDetails(): void {
    this.detailRevision++;
  }

  typeCapabilities(type: EntityType): string[] {
    return [...(this.typeCaps.get(type) ?? [])];
  }

  entityCapabilities(id: string): string[] {
    return [...(this.entityCaps.get(id) ?? [])];
  }

  /**
   * How plugins change an entity's detail (docs/plugins.md, docs/beacons.md): capabilities to add, built-in ones to remove (data /
   * operations of a plugin-owned entity no provider serves), and `x-medkit.plugins` metadata. The answer may be
   * cached until {@link detailsRevision} moves: it asks the owner's hasData()/hasOperations(), whose answers a plugin
   * that changes them announces with notifyDetailsChanged() (docs/plugins.md).
   */
  detailOf(type: EntityType, e: Entity): { add: string[]; remove: string[]; metadata?: Record<string, unknown> } {
    const add = [...this.typeCapabilities(type), ...this.entityCapabilities(e.id)];
    const remove: string[] = [];
    const owner = this.ownerOf(e.id);
    if (owner) {
      const ref: PluginEntityRef = { type, id: e.id, entity: e };
      const dataOk = owner.providers.data && safeBool(() => owner.providers.data!.hasData?.(ref) ?? true);
      const opsOk = owner.providers.operations && safeBool(() => owner.providers.operations!.hasOperations?.(ref) ?? true);
      if (!dataOk && !add.some((c) => c.startsWith('x-') && c.endsWith('-data'))) remove.push('data');
      if (!opsOk) remove.push('operations');
    }
    let metadata: Record<string, unknown> | undefined;
    for (const p of this.plugins) {
      if (!p.active || !p.metadata.has(e.id)) continue;
      (metadata ??= {})[p.name] = p.metadata.get(e.id);
    }
    return { add, remove, metadata };
  }

  health(): PluginHealth[] {
    return this.plugins.map((p) => ({
      name: p.name,
      state: p.state,
      ...(p.error ? { error: p.error } : {}),
      failed_calls: p.failedCalls,
      ...(p.lastError ? { last_error: p.lastError } : {}),
      providers: Object.keys(p.providers),
      owned_entities: p.owned.size,
      warnings: p.state === 'active' ? pluginWarnings(p) : [],
    }));
  }
}

/** A plugin's own warnings, bounded; a source that throws is itself the warning. */
function pluginWarnings(p: LoadedPlugin): PluginWarning[] {
  if (!p.warningSource) return [];
  let list: PluginWarning[];
  try {
    list = p.warningSource();
  } catch (err) {
    return [{ code: 'warnings_failed', message: `reading its warnings failed: ${(err as Error)?.message ?? String(err)}` }];
  }
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_PLUGIN_WARNINGS).map((w) => ({ code: String(w?.code ?? 'warning').slice(0, 64), message: String(w?.message ?? '').slice(0, MAX_WARNING_MESSAGE), ...(w?.degrades === true ? { degrades: true } : {}) }));
}

function safeBool(fn: () => boolean): boolean {
  try {
    return fn() !== false;
  } catch {
    return false;
  }
}

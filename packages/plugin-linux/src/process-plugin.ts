// What the three Linux introspection plugins share (docs/introspection.md): map an App to its process, read
// something about that process, and serve it as introspection metadata, as the vendor route
// `{apps|components}/{id}/x-medkit-<name>` (a Component aggregates its Apps, deduplicated, skipping the
// ones that cannot be resolved) and as a cyclic-subscription sampler of the same name.
import { type App, type IntrospectionInput, type IntrospectionResult, mapLimited, type MedkitPlugin, PLUGIN_API_VERSION, type PluginConfig, type PluginContext, PluginError, type PluginModule, PluginTimeoutError, type PluginRequest, type PluginResponse, type PluginRoute, withDeadline } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { pidLookupFailed } from './errors.js';
import { PidMap, type ProcessMatch } from './pid-map.js';
import { INTROSPECTION_KEYS, readIntrospectionSettings, type IntrospectionSettings } from './settings.js';

/** Apps read at once during introspection (a pool: see SCAN_CONCURRENCY in pid-map.ts). */
const INTROSPECT_CONCURRENCY = 16;

/** How one plugin reads a process and groups its results on a Component. */
export interface ProcessProbe<T extends object> {
  /** What this plugin reports about one process; throws a PluginError (the docs/introspection.md codes) when it cannot. */
  read(match: ProcessMatch): Promise<T>;
  /** Component view: results with the same key are one entry (`{..., node_ids}`). */
  groupKey(result: T): string;
}

export abstract class ProcessIntrospectionPlugin<T extends object> implements MedkitPlugin {
  protected settings!: IntrospectionSettings;
  protected pids!: PidMap;
  protected ctx?: PluginContext;
  private probe!: ProcessProbe<T>;
  /** Each App's last reading, kept for a pass that runs out of its budget before reaching it. */
  private readonly lastRead = new Map<string, unknown>();
  /** The reads of the pass under way, still running when a pass answered at its budget. */
  private reading?: Promise<void>;

  constructor(
    private readonly pluginName: string,
    /** The capability, route segment and sampler collection: `x-medkit-procfs` … */
    readonly capability: string,
    /** The Component view's list key: `processes`, `units`, `containers`. */
    private readonly componentKey: string,
    private readonly hints: ProcessIdHints | undefined,
  ) {}

  name(): string {
    return this.pluginName;
  }

  async configure(config: PluginConfig): Promise<void> {
    this.settings = readIntrospectionSettings(config);
    // Without hints of its own (tests give some), the plugin asks the context: set by the time it introspects.
    this.pids = new PidMap(this.settings, this.hints ?? { pidOf: (id) => this.ctx?.processIdOf?.(id) }, undefined, () => this.ctx?.ros?.()?.domainId);
    this.probe = await this.createProbe(config);
  }

  /** The plugin's own reading of a process, built from its configuration. */
  protected abstract createProbe(config: PluginConfig): ProcessProbe<T> | Promise<ProcessProbe<T>>;

  setContext(ctx: PluginContext): void {
    this.ctx = ctx;
    ctx.registerCapability('app', this.capability);
    ctx.registerCapability('component', this.capability);
    ctx.registerSampler(this.capability, (entityId) => this.view(entityId));
  }

  /**
   * Metadata per App id (introspection creates no entities, docs/introspection.md). A pass answers within
   * `introspect_budget_ms` with what it has read: on a loaded host the many small /proc reads can outlast the
   * gateway's deadline, which would drop every App's metadata and mark the plugin failed. An App not reached in
   * time keeps its last reading; the reads go on and serve the next pass, which does not start a second set.
   */
  async introspect(input: IntrospectionInput): Promise<IntrospectionResult> {
    const apps = input.apps;
    if (!this.reading) {
      const reading = this.readAll(apps).finally(() => (this.reading = undefined));
      // A pass that answered at its budget no longer awaits it: a failure shows in the next pass, which reads again.
      reading.catch(() => undefined);
      this.reading = reading;
    }
    const reading = this.reading;
    // Past the budget the pass answers with what it has; any other failure of the reads is the pass's.
    await withDeadline(this.pluginName, 'introspect pass', this.settings.introspectBudgetMs, () => reading).catch((e: unknown) => {
      if (!(e instanceof PluginTimeoutError)) throw e;
    });
    const metadata: Record<string, unknown> = {};
    const ids = new Set(apps.map((a) => a.id));
    for (const id of this.lastRead.keys()) if (!ids.has(id)) this.lastRead.delete(id);
    for (const [id, reading] of this.lastRead) metadata[id] = reading;
    return { metadata };
  }

  /** Reads every App once; an App without a readable process loses its last reading. */
  private async readAll(apps: readonly App[]): Promise<void> {
    await this.pids.refresh();
    await mapLimited(apps, INTROSPECT_CONCURRENCY, async (app) => {
      try {
        this.lastRead.set(app.id, await this.appView(app));
      } catch {
        this.lastRead.delete(app.id); // not mapped to a process, or not readable now
      }
    });
  }

  getRoutes(): PluginRoute[] {
    return (['apps', 'components'] as const).map((segment) => ({
      method: 'GET' as const,
      pattern: `${segment}/([^/]+)/${this.capability}`,
      handler: (req: PluginRequest, res: PluginResponse) => this.serve(req, res),
    }));
  }

  private async serve(req: PluginRequest, res: PluginResponse): Promise<void> {
    const info = this.ctx?.validateEntityForRoute(req, res, req.pathParam(1) ?? '');
    if (!info) return;
    try {
      res.sendJson(await this.view(info.id));
    } catch (e) {
      if (!(e instanceof PluginError)) throw e;
      res.sendError(e.status, e.code, e.message, e.parameters);
    }
  }

  /** The route's / sampler's body for an App or Component id. */
  async view(entityId: string): Promise<unknown> {
    const snapshot = this.ctx?.getEntitySnapshot();
    const app = snapshot?.apps.find((a) => a.id === entityId);
    if (app) return this.appView(app);
    if (snapshot?.components.some((c) => c.id === entityId)) return this.componentView(entityId);
    throw new PluginError('invalid-parameter', `${this.capability} exists on apps and components only`, 400, { entity_id: entityId });
  }

  private async appView(app: App): Promise<T & { pid_source: ProcessMatch['source']; pid_domain?: ProcessMatch['domain'] }> {
    const match = await this.pids.lookup(app);
    if (!match) throw pidLookupFailed(`no process found for '${app.id}' (no process id hint and no ROS node name on a command line of this ROS domain)`, { entity_id: app.id });
    return { ...(await this.probe.read(match)), pid_source: match.source, ...(match.domain ? { pid_domain: match.domain } : {}) };
  }

  private async componentView(componentId: string): Promise<Record<string, unknown>> {
    const groups = new Map<string, T & { node_ids: string[] }>();
    for (const app of this.ctx?.getChildApps(componentId) ?? []) {
      let result: T;
      try {
        result = await this.appView(app);
      } catch {
        continue; // partial results (docs/introspection.md)
      }
      const key = this.probe.groupKey(result);
      const entry = groups.get(key);
      if (entry) entry.node_ids.push(app.id);
      else groups.set(key, { ...result, node_ids: [app.id] });
    }
    return { [this.componentKey]: [...groups.values()] };
  }
}

/**
 * The module object of one introspection plugin: the plugin as its own IntrospectionProvider, its route docs, and
 * its configuration keys (the shared INTROSPECTION_KEYS and `ownKeys`).
 */
export function introspectionModule(create: () => ProcessIntrospectionPlugin<object>, docs: () => Record<string, unknown>, ownKeys: readonly string[] = []): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
    configKeys: [...INTROSPECTION_KEYS, ...ownKeys],
    createPlugin: create,
    getIntrospectionProvider: (p) => p as ProcessIntrospectionPlugin<object>,
    describePluginRoutes: docs,
  };
}

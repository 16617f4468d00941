// What the three Linux introspection plugins share (docs/introspection.md): map an App to its process, read
// something about that process, and serve it as introspection metadata, as the vendor route
// `{apps|components}/{id}/x-medkit-<name>` (a Component aggregates its Apps, deduplicated, skipping the
// ones that cannot be resolved) and as a cyclic-subscription sampler of the same name.
import { type App, type IntrospectionInput, type IntrospectionResult, type MedkitPlugin, PLUGIN_API_VERSION, type PluginConfig, type PluginContext, PluginError, type PluginModule, type PluginRequest, type PluginResponse, type PluginRoute } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { pidLookupFailed } from './errors.js';
import { PidMap, type ProcessMatch } from './pid-map.js';
import { INTROSPECTION_KEYS, readIntrospectionSettings, type IntrospectionSettings } from './settings.js';

/** Apps read at once during introspection. */
const INTROSPECT_CONCURRENCY = 8;

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

  /** Metadata per App id (introspection creates no entities, docs/introspection.md). */
  async introspect(input: IntrospectionInput): Promise<IntrospectionResult> {
    await this.pids.refresh();
    const metadata: Record<string, unknown> = {};
    const apps = input.apps;
    for (let i = 0; i < apps.length; i += INTROSPECT_CONCURRENCY) {
      await Promise.all(
        apps.slice(i, i + INTROSPECT_CONCURRENCY).map(async (app) => {
          try {
            metadata[app.id] = await this.appView(app);
          } catch {
            // Not mapped to a process, or not readable now: no metadata this pass.
          }
        }),
      );
    }
    return { metadata };
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

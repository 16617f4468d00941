// The `graph_provider` built-in plugin (docs/graph.md): per-Function pipeline graphs on
// `GET /functions/{id}/x-medkit-graph`, the `x-medkit-graph` capability on every Function, and a sampler so
// the graph streams through cyclic subscriptions. Edge metrics come from `/diagnostics`; the last time each
// App was seen online comes from the introspection pass (so it works in every discovery mode).
import { effectiveFqn, type IntrospectionInput, type IntrospectionProvider, type IntrospectionResult, type MedkitPlugin, PLUGIN_API_VERSION, type PluginConfig, type PluginContext, PluginError, type PluginModule, type PluginRoute } from '@medkit/plugin-api';
import { buildFunctionGraph, type GraphDocument, type LiveTopology } from './build.js';
import { GRAPH_PROVIDER_KEYS, readGraphProviderConfig, thresholdsFor, type GraphProviderConfig } from './config.js';
import { TopicMetricsCache } from './metrics.js';
import { GRAPH_PROVIDER_PATHS } from './openapi.js';

export const GRAPH_CAPABILITY = 'x-medkit-graph';
const DIAGNOSTICS_TOPIC = '/diagnostics';
/** Apps whose last-seen time is remembered at most (peer-driven entity counts are bounded upstream too). */
const LAST_SEEN_CAP = 4096;
/** [ours] A larger `/diagnostics` message is dropped unread (a DiagnosticArray of a few hundred topics is ~100 KiB). */
export const MAX_DIAGNOSTICS_BYTES = 1024 * 1024;

export class GraphProviderPlugin implements MedkitPlugin, IntrospectionProvider {
  private cfg!: GraphProviderConfig;
  private warnings: string[] = [];
  private ctx?: PluginContext;
  readonly metrics = new TopicMetricsCache();
  private readonly lastSeen = new Map<string, string>();
  private unsubscribe?: () => void;
  /** Writer GUID → attributed source, valid for one graph version and one introspection pass (attribution runs per message). */
  private sources = { version: -1, byGuid: new Map<string, string | undefined>() };

  constructor(private readonly clock: { mono: () => number; wall: () => number } = { mono: () => performance.now(), wall: () => Date.now() }) {}

  name(): string {
    return 'graph_provider';
  }

  configure(config: PluginConfig): void {
    this.cfg = readGraphProviderConfig(config, (m) => this.warnings.push(m));
  }

  setContext(ctx: PluginContext): void {
    this.ctx = ctx;
    for (const w of this.warnings.splice(0)) ctx.log.warn(w);
    ctx.registerCapability('function', GRAPH_CAPABILITY);
    ctx.registerSampler(GRAPH_CAPABILITY, (entityId) => ({ [GRAPH_CAPABILITY]: this.graphOf(entityId) }));
    this.ensureDiagnostics();
  }

  /** Records which Apps are online this cycle; also (re)tries the `/diagnostics` subscription. */
  introspect(input: IntrospectionInput): IntrospectionResult {
    this.ensureDiagnostics();
    // The entities may have changed (a node's App appeared): attribute each writer again on its next message.
    this.sources = { version: -1, byGuid: new Map() };
    const now = new Date(this.clock.wall()).toISOString();
    for (const a of input.apps) {
      if (!a.is_online) continue;
      this.lastSeen.delete(a.id);
      this.lastSeen.set(a.id, now);
      if (this.lastSeen.size > LAST_SEEN_CAP) this.lastSeen.delete(this.lastSeen.keys().next().value as string);
    }
    return {};
  }

  getRoutes(): PluginRoute[] {
    return [
      {
        method: 'GET',
        pattern: 'functions/([^/]+)/x-medkit-graph',
        handler: (req, res) => {
          const id = req.pathParam(1) ?? '';
          if (!this.ctx?.validateEntityForRoute(req, res, id)) return;
          res.sendJson({ [GRAPH_CAPABILITY]: this.graphOf(id) });
        },
      },
    ];
  }

  shutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The current graph of a Function; a PluginError 404 for anything else. */
  graphOf(functionId: string): GraphDocument {
    const snapshot = this.ctx?.getEntitySnapshot() ?? { areas: [], components: [], apps: [], functions: [] };
    const fn = snapshot.functions.find((f) => f.id === functionId);
    if (!fn) throw new PluginError('entity-not-found', `'${functionId}' is not a Function`, 404, { entity_id: functionId });
    return buildFunctionGraph({
      fn,
      snapshot,
      live: this.liveTopology(),
      metrics: (t) => this.metrics.get(t),
      thresholds: thresholdsFor(this.cfg, fn.id),
      lastSeen: (id) => this.lastSeen.get(id),
      nowMono: this.clock.mono(),
      nowWall: this.clock.wall(),
    });
  }

  private liveTopology(): LiveTopology {
    const ros = this.ctx?.ros();
    if (!ros) return { endpointsOf: () => undefined, publisherCount: () => 0 };
    const byFqn = new Map(ros.graph.nodes().filter((n) => !n.unknown).map((n) => [n.fqn, { publishes: n.publishers.map((e) => e.rosName), subscribes: n.subscriptions.map((e) => e.rosName) }]));
    return { endpointsOf: (fqn) => byFqn.get(fqn), publisherCount: (t) => ros.graph.publishersOf(t).length };
  }

  private ensureDiagnostics(): void {
    if (this.unsubscribe || !this.ctx) return;
    const ros = this.ctx.ros();
    if (!ros) return;
    this.unsubscribe = ros.subscribe(DIAGNOSTICS_TOPIC, 'diagnostic_msgs/msg/DiagnosticArray', (m, info) => {
      if (info.size > MAX_DIAGNOSTICS_BYTES) return;
      this.metrics.ingest(m, this.sourceOf(info.publisherGuid), this.clock.mono());
    });
  }

  /** The /diagnostics writer's node as an App id (or FQN), when the graph knows exactly one such writer. */
  private sourceOf(guid: string): string | undefined {
    const ros = this.ctx?.ros();
    if (!ros) return undefined;
    if (this.sources.version !== ros.graph.version) this.sources = { version: ros.graph.version, byGuid: new Map() };
    const cache = this.sources.byGuid;
    if (cache.has(guid)) return cache.get(guid);
    const writer = ros.graph.publishersOf(DIAGNOSTICS_TOPIC).filter((e) => e.guid === guid);
    const node = writer.length === 1 ? writer[0].node : undefined;
    const fqn = node ? `${node.namespace === '/' ? '' : node.namespace}/${node.name}` : undefined;
    const source = fqn ? this.appOf(fqn) : undefined;
    // Bounded by the graph's writers on /diagnostics, except for GUIDs the graph does not know: cap those.
    if (cache.size < 1024) cache.set(guid, source);
    return source;
  }

  /** The App id bound to a node FQN, else the FQN itself. */
  private appOf(fqn: string): string {
    const app = this.ctx?.getEntitySnapshot().apps.find((a) => effectiveFqn(a) === fqn);
    return app?.id ?? fqn;
  }
}

/** The plugin as a module, registered in-process under the name `graph_provider` (same contract as a file plugin). */
export const graphProviderModule: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  configKeys: GRAPH_PROVIDER_KEYS,
  createPlugin: () => new GraphProviderPlugin(),
  getIntrospectionProvider: (p) => p as GraphProviderPlugin,
  describePluginRoutes: () => GRAPH_PROVIDER_PATHS,
};

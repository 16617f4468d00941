// The `graph_watchdog` built-in plugin (docs/graph.md): silent-fault detectors on a timer, raising and healing
// faults through the fault manager with source `graph_watchdog`. It declares its own external App
// `graph_watchdog` (on the host Component when there is one) so the faults are listed under
// `/apps/graph_watchdog/faults`, and serves `GET /x-medkit-watchdog`.
import { effectiveFqn, type IntrospectionInput, type IntrospectionProvider, type IntrospectionResult, type MedkitPlugin, PLUGIN_API_VERSION, type PluginConfig, type PluginContext, type PluginModule, type PluginRoute } from '@medkit/plugin-api';
import { readWatchdogConfig, WATCHDOG_KEYS, type WatchdogConfig } from './config.js';
import { LifecycleExpectationDetector } from './detectors/lifecycle-expectation.js';
import { NodeDeathDetector } from './detectors/node-death.js';
import { OrphanDetector } from './detectors/orphan.js';
import { ParamDriftDetector } from './detectors/param-drift.js';
import { QosMismatchDetector } from './detectors/qos-mismatch.js';
import type { Detector } from './detectors/detector.js';
import { TopicFeeds } from './feeds.js';
import { LatencyBudgetDetector } from './latency/latency-budget.js';
import { GRAPH_WATCHDOG_PATHS } from './openapi.js';
import { TfStaleDetector } from './tf/tf-stale.js';
import { valueRuleRoutes } from './value/routes.js';
import { FileRuleStore, MemoryRuleStore } from './value/store.js';
import { configRuleProblems, ValueDetector } from './value/value-detector.js';
import { GraphWatchdog, WATCHDOG_SOURCE_ID } from './watchdog.js';
import { scopedApps } from '../provider/build.js';

/** The fault manager's severity scale by number (0..3). */
const SEVERITY_NAMES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/** Deadline of one parameter or lifecycle read: within a tick, at most 2 s. */
const readTimeout = (tickMs: number) => Math.max(50, Math.min(2000, tickMs));

export class GraphWatchdogPlugin implements MedkitPlugin, IntrospectionProvider {
  private cfg!: WatchdogConfig;
  private warnings: string[] = [];
  private ctx?: PluginContext;
  watchdog?: GraphWatchdog;
  /** The value rules (REST), when the `value` detector is on. */
  value?: ValueDetector;
  private feeds?: TopicFeeds;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  name(): string {
    return 'graph_watchdog';
  }

  configure(config: PluginConfig): void {
    this.cfg = readWatchdogConfig(config, (m) => this.warnings.push(m));
    // A bad value rule of the configuration is left out and named at start-up and on /health; the others run.
    const v = this.cfg.detectors.value;
    if (v.mode !== 'off') for (const problem of configRuleProblems(v.rules, v.limits, v.maxRules)) this.warnings.push(`value rule left out: ${problem}`);
  }

  setContext(ctx: PluginContext): void {
    this.ctx = ctx;
    for (const w of this.warnings.splice(0)) ctx.log.warn(w);
    ctx.reportWarnings?.(() => this.value?.warnings() ?? []);
    const c = this.cfg;
    const d = c.detectors;
    const timeout = readTimeout(c.tickIntervalMs);
    const lifecycle = new LifecycleExpectationDetector({
      ...d.lifecycle_expectation,
      readTimeoutMs: timeout,
      appFqn: (id) => {
        const app = ctx.getEntitySnapshot().apps.find((a) => a.id === id);
        return app ? effectiveFqn(app) || undefined : undefined;
      },
    });
    const graphDetectors: { detector: Detector; mode: typeof d.qos_mismatch.mode }[] = [
      { detector: new QosMismatchDetector(d.qos_mismatch), mode: d.qos_mismatch.mode },
      { detector: new OrphanDetector(d.orphan), mode: d.orphan.mode },
      { detector: new ParamDriftDetector({ ...d.param_drift, readTimeoutMs: timeout }), mode: d.param_drift.mode },
      { detector: lifecycle, mode: d.lifecycle_expectation.mode },
      { detector: new NodeDeathDetector({ ...d.node_death, sourceOf: (fqn) => lastingAppSource(ctx, fqn) }), mode: d.node_death.mode },
    ];
    this.watchdog = new GraphWatchdog(
      [...graphDetectors, ...this.topicDetectors(ctx)],
      {
        ros: () => ctx.ros(),
        report: (r) =>
          ctx.reportFault({
            fault_code: r.code,
            event: r.passed ? 'PASSED' : 'FAILED',
            severity: SEVERITY_NAMES[Math.min(Math.max(Math.round(r.severity), 0), 3)],
            description: r.description,
            entity_id: r.sourceId,
          }),
        failingCodes: () => failingCodes(ctx),
        lifecycleOf: (fqn) => lifecycle.labelOf(fqn),
      },
      { warmupCycles: c.warmupCycles, pruneGrace: c.pruneGrace, limits: { maxTopics: c.maxTopics, maxEndpoints: c.maxEndpointsPerTopic, maxNodes: c.maxNodes } },
    );
    this.timer = setInterval(() => void this.tickOnce(), c.tickIntervalMs);
    this.timer.unref();
  }

  /**
   * The detectors that subscribe to topics (only those not off: an off detector subscribes to nothing). A bad
   * value rule of the configuration is left out here (the value detector names it on /health).
   */
  private topicDetectors(ctx: PluginContext): { detector: Detector; mode: WatchdogConfig['detectors']['value']['mode'] }[] {
    const c = this.cfg;
    const d = c.detectors;
    const feeds = (this.feeds = new TopicFeeds({ maxTopics: c.maxSubscriptions, maxMessageBytes: c.maxMessageBytes }));
    const out: { detector: Detector; mode: typeof d.value.mode }[] = [];
    if (d.tf_stale.mode !== 'off') out.push({ detector: new TfStaleDetector(d.tf_stale, feeds), mode: d.tf_stale.mode });
    if (d.latency_budget.mode !== 'off') {
      const functionNodes = (id: string) => {
        const snap = ctx.getEntitySnapshot();
        const fn = snap.functions.find((f) => f.id === id);
        return fn ? scopedApps(fn, snap).map((a) => effectiveFqn(a)).filter(Boolean) : undefined;
      };
      out.push({ detector: new LatencyBudgetDetector({ ...d.latency_budget, functionNodes }, feeds), mode: d.latency_budget.mode });
    }
    if (d.value.mode !== 'off') {
      const v = d.value;
      this.value = new ValueDetector(
        {
          ...v,
          configRules: v.rules,
          store: v.storagePath ? new FileRuleStore(v.storagePath) : new MemoryRuleStore(),
          clearFault: (code) => ctx.clearFault(code),
          warn: (m: string) => ctx.log.warn(m),
          ros: () => ctx.ros(),
        },
        feeds,
      );
      // An unusable rule file is named at start-up too (the rejected configuration rules were, in configure()).
      for (const w of this.value.warnings()) if (w.code === 'value_rule_store') ctx.log.warn(w.message);
      out.push({ detector: this.value, mode: v.mode });
    }
    return out;
  }

  /** One sweep unless the previous one is still running (slow reads never pile up). */
  async tickOnce(): Promise<void> {
    if (this.running || this.stopped || !this.watchdog) return;
    this.running = true;
    try {
      await this.watchdog.runTick();
    } catch (err) {
      this.ctx?.log.error(`watchdog tick failed: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      this.running = false;
    }
  }

  /** Declares the watchdog's own external App, on the runtime host Component when there is one. */
  introspect(input: IntrospectionInput): IntrospectionResult {
    const host = input.components.find((c) => c.source === 'runtime');
    return {
      new_entities: {
        apps: [
          {
            id: WATCHDOG_SOURCE_ID,
            name: 'Graph Watchdog',
            description: 'Silent-fault detectors over the ROS graph (QoS mismatches, orphan topics, parameter drift, lifecycle expectations, nodes that left, stale transforms, latency budgets, value rules)',
            external: true,
            ...(host ? { component_id: host.id } : {}),
          },
        ],
      },
    };
  }

  getRoutes(): PluginRoute[] {
    return [
      {
        method: 'GET',
        pattern: 'x-medkit-watchdog',
        handler: (_req, res) => {
          if (this.stopped || !this.watchdog || this.watchdog.tick === 0) {
            res.sendError(503, 'service-unavailable', this.stopped ? 'The graph watchdog has shut down' : 'The graph watchdog has not completed its first sweep yet');
            return;
          }
          res.sendJson(this.watchdog.status(this.cfg.warmupCycles));
        },
      },
      ...valueRuleRoutes(() => (this.stopped ? undefined : this.value)),
    ];
  }

  shutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watchdog?.close();
    this.feeds?.close();
  }
}

/** Apps discovery builds from the live graph: they leave the tree with their node. */
const RUNTIME_SOURCES: ReadonlySet<string> = new Set(['runtime', 'heuristic']);

/**
 * The reporting source of a node that left: its FQN when an App that stays in the tree without its node (a
 * manifest or plugin App) stands for it, so the fault is listed under that App; else the watchdog's own App
 * (a source nothing resolves would list the fault under no entity).
 */
function lastingAppSource(ctx: PluginContext, fqn: string): string | undefined {
  const app = ctx.getEntitySnapshot().apps.find((a) => !a.external && !RUNTIME_SOURCES.has(a.source) && effectiveFqn(a) === fqn);
  return app ? fqn : undefined;
}

/** Codes the fault manager lists as PREFAILED or CONFIRMED. */
function failingCodes(ctx: PluginContext): Set<string> {
  const out = new Set<string>();
  for (const f of ctx.listAllFaults().faults ?? []) {
    const item = f as { fault_code?: string; 'x-medkit'?: { status?: string } };
    const s = item['x-medkit']?.status;
    if (item.fault_code && (s === 'CONFIRMED' || s === 'PREFAILED')) out.add(item.fault_code);
  }
  return out;
}

/** The plugin as a module, registered in-process under the name `graph_watchdog` (same contract as a file plugin). */
export const graphWatchdogModule: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  configKeys: WATCHDOG_KEYS,
  createPlugin: () => new GraphWatchdogPlugin(),
  getIntrospectionProvider: (p) => p as GraphWatchdogPlugin,
  describePluginRoutes: () => GRAPH_WATCHDOG_PATHS,
};

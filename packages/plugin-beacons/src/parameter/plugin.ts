// The parameter beacon (`parameter_beacon`, docs/beacons.md): polls `ros2_medkit.discovery.*`
// parameters of the online Apps' nodes (or of every graph node when there are none), stores the hints,
// enriches entities through the shared mapping, and serves `x-medkit-param-beacon` plus a debug view
// of the poll loop (`GET /api/v1/x-medkit-param-beacon`: per-node failures, backoff and skip counts).
import type { PluginConfig, PluginContext } from '@medkit/plugin-api';
import { validateHint } from '../common/hint.js';
import { BeaconPlugin } from '../common/beacon-plugin.js';
import { ChangeNotifier } from '../common/change-notifier.js';
import { readParameterBeaconConfig, type ParameterBeaconConfig } from './config.js';
import { hintFromParameters, type ParamValue } from './parse.js';
import { ParameterPoller, type ParamClientFactory } from './poller.js';

export const PARAMETER_BEACON = 'parameter_beacon';
export const PARAM_BEACON_CAPABILITY = 'x-medkit-param-beacon';
/**
 * The first poll cycle waits this long after the plugin is set up: the gateway is still starting (it answers
 * /health and lists the graph first, issue 69: the first cycle's clients and reads cost the demo's main gateway about
 * 0.1 s of CPU before its first answer), and the nodes discovered meanwhile are polled in that cycle instead of
 * being found not ready in it.
 */
export const FIRST_CYCLE_DELAY_MS = 2_000;

/** What the parameter beacon needs from its host: parameter clients and, as fallback targets, the graph's nodes. */
export interface ParameterBeaconDeps {
  /** Creates the client factory when the plugin starts (undefined: no ROS, nothing is polled). */
  clientFactory?: (ctx: PluginContext) => { factory: ParamClientFactory; close(): void } | undefined;
  /** FQNs of the graph's nodes other than the gateway's own (fallback targets). */
  graphNodes?: (ctx: PluginContext | undefined) => string[];
  /** Monotonic ms clock of store and poller (tests). */
  clock?: () => number;
  /** Run the poll loop on its own (default true; unit tests drive cycles by hand). */
  autoStart?: boolean;
}

export class ParameterBeaconPlugin extends BeaconPlugin {
  config!: ParameterBeaconConfig;
  poller?: ParameterPoller;
  #corrections: string[] = [];
  #client?: { factory: ParamClientFactory; close(): void };
  #changes?: ChangeNotifier;

  constructor(private readonly deps: ParameterBeaconDeps = {}) {
    super(PARAMETER_BEACON, PARAM_BEACON_CAPABILITY, deps.clock);
  }

  configure(raw: PluginConfig): void {
    const parsed = readParameterBeaconConfig(raw);
    this.config = parsed.config;
    this.#corrections = parsed.corrections;
    this.setupStore(parsed.config);
  }

  override setContext(ctx: PluginContext): void {
    super.setContext(ctx);
    // configure() has no logger yet: its auto-corrections are logged here, once.
    for (const c of this.#corrections) ctx.log.warn(`configuration corrected: ${c}`);
    this.#client = this.deps.clientFactory?.(ctx);
    if (!this.#client) {
      ctx.log.warn('no ROS connection: parameter beacon polls nothing');
      return;
    }
    this.#changes = new ChangeNotifier(this.store, ctx);
    const c = this.config;
    this.poller = new ParameterPoller({
      prefix: c.parameterPrefix,
      pollIntervalSec: c.pollIntervalSec,
      pollBudgetSec: c.pollBudgetSec,
      paramTimeoutSec: c.paramTimeoutSec,
      concurrency: c.concurrency,
      factory: this.#client.factory,
      targets: () => this.targets(),
      onParameters: (fqn, params) => this.accept(fqn, params),
      // After every cycle: re-run discovery when what the entities show would change.
      onCycle: () => this.#changes?.check(),
      now: this.deps.clock,
    });
    if (this.deps.autoStart !== false) this.poller.start(FIRST_CYCLE_DELAY_MS);
  }

  /** Step 1 of docs/beacons.md: bound nodes of online Apps, else every graph node except hidden (`_…`) and our own. */
  targets(): string[] {
    const fromApps = (this.lastInput?.apps ?? []).filter((a) => a.is_online && a.bound_fqn).map((a) => a.bound_fqn!);
    if (fromApps.length > 0) return fromApps;
    return (this.deps.graphNodes?.(this.ctx) ?? []).filter((fqn) => !(fqn.split('/').pop() ?? '').startsWith('_'));
  }

  /** Step 5: parse, validate, store. A node without names or without `entity_id` stores nothing. */
  accept(_fqn: string, params: ParamValue[]): void {
    const raw = hintFromParameters(this.config.parameterPrefix, params);
    const hint = raw && validateHint(raw);
    if (hint) this.store.update(hint);
  }

  /** The debug view: effective configuration, the last cycle, and per node failures, backoff and skips. */
  status(): Record<string, unknown> {
    const c = this.config;
    return {
      config: {
        parameter_prefix: c.parameterPrefix,
        poll_interval_sec: c.pollIntervalSec,
        poll_budget_sec: c.pollBudgetSec,
        param_timeout_sec: c.paramTimeoutSec,
        beacon_ttl_sec: this.store.limits.ttlSec,
        beacon_expiry_sec: this.store.limits.expirySec,
        max_hints: this.store.limits.maxHints,
        max_concurrent_polls: c.concurrency,
      },
      polling: Boolean(this.poller),
      cycles: this.poller?.cycles ?? 0,
      start_offset: this.poller?.startOffset ?? 0,
      last_cycle: this.poller?.lastCycle ?? null,
      hints: this.store.size,
      nodes: this.poller?.nodes() ?? [],
    };
  }

  async shutdown(): Promise<void> {
    this.#changes?.stop();
    await this.poller?.stop();
    this.#client?.close();
  }
}

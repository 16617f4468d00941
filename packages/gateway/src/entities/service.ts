/**
 * DiscoveryManager: owns the entity cache, runs discovery passes one at a time, schedules them
 * (debounce + backstop), reloads the manifest keeping the previous one on failure, and emits `change`.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntityCache, type CacheStats, type EntityRef } from './cache.js';
import { formatIssue, IssueSink, ManifestError, RULE } from './manifest/issues.js';
import { loadManifest, type ManifestLoadOptions } from './manifest/load.js';
import { ManifestLayer } from './manifest/manifest-layer.js';
import type { Manifest, ManifestLoadResult } from './manifest/types.js';
import type { Entity, EntitySnapshot, EntityType } from './model.js';
import { runDiscoveryPass } from './pass.js';
import type { GapFillOptions } from './pipeline/gap-fill.js';
import type { DiscoveryLayer } from './pipeline/layer.js';
import { HybridPipeline } from './pipeline/pipeline.js';
import type { PolicyOverrides } from './pipeline/policies.js';
import { healthWarning, SILENT_LOGGER, type DiscoveryMode, type DiscoveryReport, type EntityLogger, type HealthWarning } from './pipeline/report.js';
import type { RuntimeGraphSource } from './runtime/graph-snapshot.js';
import { readHostInfo, type HostInfo } from './runtime/host-component.js';
import { GraphRuntimeLayer } from './runtime/runtime-layer.js';
import { GRAPH_POLL_MS, RefreshScheduler, type RefreshReason } from './scheduler.js';
import { token, type Token } from '@medkit/server';

export interface DiscoveryOptions {
  /** `discovery.mode` as configured. */
  mode: DiscoveryMode;
  /** `discovery.manifest_path`, strictness, fragments, inventory. Omit for no manifest. */
  manifest?: Omit<ManifestLoadOptions, 'path'> & { path?: string; /** `discovery.manifest.enabled` (hybrid). */ enabled?: boolean };
  runtime?: {
    /** The ROS graph; without it the runtime layer produces nothing. */
    source?: RuntimeGraphSource;
    /** `discovery.runtime.enabled` (hybrid), default true. */
    enabled?: boolean;
    createFunctionsFromNamespaces?: boolean;
    filterInternalNodes?: boolean;
    /** `discovery.runtime.default_component.enabled`, default true. */
    defaultComponent?: boolean;
    /** Host facts for the host Component; read from this machine when omitted. */
    host?: HostInfo;
  };
  /** IntrospectionProvider layers in plugin-load order. */
  plugins?: DiscoveryLayer[];
  pipeline?: { overrides?: PolicyOverrides; gapFill?: Partial<GapFillOptions> };
  refreshDebounceMs?: number;
  refreshIntervalMs?: number;
  cacheCapacity?: number;
  log?: EntityLogger;
}

/** Payload of the `change` event. */
export interface EntitiesChangedEvent {
  generation: number;
  reason: RefreshReason;
  added: EntityRef[];
  removed: EntityRef[];
  updated: EntityRef[];
}

export interface RefreshOutcome {
  reason: RefreshReason;
  changed: boolean;
  generation: number;
  error?: string;
}

/**
 * Runs after the local pass and before the cache swap (docs/manifest.md step 4): aggregation merges peer
 * entities here. Must be synchronous and must not mutate its input; a throw keeps the local snapshot.
 */
export type SnapshotMerger = (local: EntitySnapshot) => EntitySnapshot;

/** What discovery adds to `/health` (shaped like the info feature's HealthContribution). */
export interface DiscoveryHealth {
  fields: { discovery: DiscoveryReport; 'x-medkit-entity-cache': CacheStats };
  warnings: HealthWarning[];
}

/**
 * Events: `change` when the cache really changed (generation advanced); `refresh` after every pass, changed
 * or not (the backstop pass is where the orphan-trigger sweep of docs/triggers.md hooks in).
 */
/** The discovery manager (entity cache, refresh, manifest), published by the entities feature. */
export const ENTITIES_SERVICE: Token<DiscoveryManager> = token('entities');

/** An entity's capability names, exactly as its REST detail lists them. */
type EntityCapabilities = (type: EntityType, entity: Entity) => string[];
/** Published by the entities feature, which owns the detail; read by whoever reports capabilities elsewhere (the ROS service interface). */
export const ENTITY_CAPABILITIES_SERVICE: Token<EntityCapabilities> = token('entity-capabilities');

export class DiscoveryManager extends EventEmitter<{ change: [EntitiesChangedEvent]; refresh: [RefreshOutcome] }> {
  readonly cache: EntityCache;
  private readonly log: EntityLogger;
  private readonly scheduler: RefreshScheduler;
  private readonly runtimeLayer?: GraphRuntimeLayer;
  private currentManifest?: Manifest;
  private effectiveMode: DiscoveryMode;
  private pipeline?: HybridPipeline;
  private host?: HostInfo;
  private report: DiscoveryReport;
  private passWarnings: HealthWarning[] = [];
  private fallbackWarning?: HealthWarning;
  private running?: Promise<RefreshOutcome>;
  private queued?: Promise<RefreshOutcome>;
  private started = false;
  private stopped = false;
  private merger?: SnapshotMerger;
  /** When the graph last changed (Date.now()); never yet: -Infinity. */
  private lastGraphChange = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: DiscoveryOptions) {
    super();
    const log = opts.log ?? SILENT_LOGGER;
    // A pass still running when the gateway stops meets sources already shut down (the ROS node is
    // destroyed): that is the shutdown, not a failure of the robot, so it is not logged as an error.
    this.log = { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => (this.stopped ? log.info(`${m} (while stopping)`) : log.error(m)) };
    this.cache = new EntityCache(opts.cacheCapacity, (m) => this.log.warn(m));
    this.effectiveMode = opts.mode;
    this.report = { mode: opts.mode, strategy: 'runtime' };
    if (opts.runtime?.source) {
      this.runtimeLayer = new GraphRuntimeLayer(opts.runtime.source, { createFunctionsFromNamespaces: opts.runtime.createFunctionsFromNamespaces });
    }
    this.scheduler = new RefreshScheduler({
      debounceMs: opts.refreshDebounceMs,
      intervalMs: opts.refreshIntervalMs,
      refresh: (reason) => this.refresh(reason),
      warn: (m) => this.log.warn(m),
    });
  }

  /** The mode in effect (hybrid falls back to runtime_only when its manifest is missing or broken). */
  get mode(): DiscoveryMode {
    return this.effectiveMode;
  }

  get manifest(): Manifest | undefined {
    return this.currentManifest;
  }

  /** Topic → message types seen in the last runtime pass. */
  get topicTypes(): ReadonlyMap<string, string[]> {
    return this.runtimeLayer?.topicTypes ?? new Map();
  }

  /**
   * Loads the manifest, runs the first pass and starts the timers. Throws {@link ManifestError} when
   * `manifest_only` has no usable manifest (a start-up error); `hybrid` falls back to `runtime_only`.
   */
  async start(): Promise<RefreshOutcome> {
    const mode = this.opts.mode;
    if (mode !== 'runtime_only') {
      const r = await this.loadConfiguredManifest();
      if (r.ok) this.currentManifest = r.manifest;
      else if (mode === 'manifest_only') throw new ManifestError(r.errors, r.warnings);
      else this.fallBack(r);
    }
    this.rebuild();
    this.started = true;
    const first = await this.refresh('startup');
    this.scheduler.start();
    return first;
  }

  stop(): void {
    this.scheduler.stop();
    this.started = false;
    this.stopped = true;
  }

  /** Installs the peer-merge step (one per manager; aggregation). Call `refresh('aggregation')` afterwards. */
  setMerger(merger: SnapshotMerger | undefined): void {
    this.merger = merger;
  }

  /** True while the cache may lag the graph: a graph change not yet refreshed, or a pass running or queued. */
  get settling(): boolean {
    return this.scheduler.pending || this.running !== undefined || this.queued !== undefined;
  }

  /**
   * Waits until the cache caught up with the graph (not {@link settling}), at most `maxMs` (default: the debounce
   * window and two seconds, room for one more pass). Resolves whether it did. The start-up summary waits on it so
   * that it does not count the apps of an empty first pass while nodes are already seen (issue 68).
   */
  async settle(maxMs = this.scheduler.debounceMs + 2000): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (this.settling) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // The pass under way, else the scheduler's next tick (which starts the due one), or the deadline; then look
      // again: a change may have come in meanwhile.
      const ac = new AbortController();
      const { signal } = ac;
      await Promise.race([this.queued ?? this.running ?? sleep(GRAPH_POLL_MS, undefined, { signal }), sleep(left, undefined, { signal })]).catch(() => undefined);
      ac.abort();
    }
    return true;
  }

  /** Call on every ROS graph change; refreshes are debounced. */
  notifyGraphChanged(): void {
    this.lastGraphChange = Date.now();
    this.scheduler.notifyGraphChanged();
  }

  /**
   * Waits until the graph has not changed for `quietMs` and the cache caught up with it, at most `maxMs`; resolves
   * whether it did. A starting gateway learns the robot's nodes in bursts (issue 69): this tells when the first of them
   * is over, so that the deferred routes' build (ServerFeature.startupWork) does not hold back the rest.
   */
  async quiet(quietMs: number, maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const now = Date.now();
      const left = deadline - now;
      const calm = quietMs - (now - this.lastGraphChange);
      if (calm <= 0 && !this.settling) return true;
      if (left <= 0) return false;
      await new Promise((r) => setTimeout(r, Math.min(left, calm > 0 ? calm : GRAPH_POLL_MS)));
    }
  }

  /**
   * Runs a discovery pass now, serialized with every other pass. Calls made while a pass runs share one
   * follow-up pass. Never rejects: a failed pass keeps the previous entities and reports `error`.
   */
  refresh(reason: RefreshReason = 'manual'): Promise<RefreshOutcome> {
    if (this.queued) return this.queued;
    if (!this.running) return this.begin(reason);
    this.queued = this.running.then(() => {
      this.queued = undefined;
      return this.begin(reason);
    });
    return this.queued;
  }

  /**
   * Reloads the manifest (with fragments and inventory). On failure the previous manifest stays active and
   * the result carries the errors; on success a refresh runs before this resolves.
   */
  async reloadManifest(): Promise<ManifestLoadResult> {
    const r = await this.loadConfiguredManifest();
    if (!r.ok) {
      this.log.error(`manifest reload failed; keeping the previous manifest:\n${r.errors.map((e) => '  ' + formatIssue(e)).join('\n')}`);
      return r;
    }
    this.currentManifest = r.manifest;
    if (this.opts.mode === 'hybrid' && this.effectiveMode !== 'hybrid') {
      this.log.info('manifest loaded; leaving the runtime_only fallback for hybrid discovery');
      this.effectiveMode = 'hybrid';
      this.fallbackWarning = undefined;
    }
    this.rebuild();
    if (this.started) await this.refresh('manifest');
    return r;
  }

  /** `/health` contribution: the discovery report, cache stats and warnings. */
  health(): DiscoveryHealth {
    const warnings = [...(this.fallbackWarning ? [this.fallbackWarning] : []), ...this.passWarnings];
    return { fields: { discovery: this.report, 'x-medkit-entity-cache': this.cache.stats() }, warnings };
  }

  /** The entities as the last pass left them. */
  snapshot(): EntitySnapshot {
    return this.cache.snapshot();
  }

  private begin(reason: RefreshReason): Promise<RefreshOutcome> {
    const p = this.pass(reason).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  private async pass(reason: RefreshReason): Promise<RefreshOutcome> {
    try {
      if (this.effectiveMode === 'runtime_only' && this.opts.runtime?.defaultComponent !== false && !this.host) {
        this.host = this.opts.runtime?.host ?? (await readHostInfo());
      }
      const r = await runDiscoveryPass({
        mode: this.effectiveMode,
        manifest: this.currentManifest,
        runtime: this.runtimeLayer,
        plugins: this.opts.plugins ?? [],
        pipeline: this.pipeline,
        host: this.effectiveMode === 'runtime_only' && this.opts.runtime?.defaultComponent !== false ? this.host : undefined,
        filterInternalNodes: this.opts.runtime?.filterInternalNodes !== false,
        log: this.log,
      });
      this.report = r.report;
      this.passWarnings = r.healthWarnings;
      const rec = this.cache.reconcile(this.merge(r.snapshot), r.nodeToApp);
      if (rec.changed) this.emit('change', { generation: rec.generation, reason, added: rec.added, removed: rec.removed, updated: rec.updated });
      return this.done({ reason, changed: rec.changed, generation: rec.generation });
    } catch (e) {
      const error = (e as Error).message;
      this.log.error(`discovery refresh (${reason}) failed; entities unchanged: ${error}`);
      return this.done({ reason, changed: false, generation: this.cache.generation, error });
    }
  }

  private merge(local: EntitySnapshot): EntitySnapshot {
    if (!this.merger) return local;
    try {
      return this.merger(local);
    } catch (e) {
      // A broken merge must not lose the local tree.
      this.log.error(`peer entity merge failed; serving local entities only this pass: ${(e as Error).message}`);
      return local;
    }
  }

  private done(outcome: RefreshOutcome): RefreshOutcome {
    try {
      this.emit('refresh', outcome);
    } catch (e) {
      // A listener's bug must not break discovery.
      this.log.error(`a discovery 'refresh' listener failed: ${(e as Error).message}`);
    }
    return outcome;
  }

  /** Re-creates the hybrid pipeline for the current mode and manifest. */
  private rebuild(): void {
    if (this.effectiveMode !== 'hybrid') {
      this.pipeline = undefined;
      return;
    }
    const layers: DiscoveryLayer[] = [];
    if (this.opts.manifest?.enabled !== false) layers.push(new ManifestLayer(() => this.currentManifest));
    if (this.runtimeLayer && this.opts.runtime?.enabled !== false) layers.push(this.runtimeLayer);
    layers.push(...(this.opts.plugins ?? []));
    this.pipeline = new HybridPipeline(layers, { ...this.opts.pipeline, log: this.log, filterInternalNodes: this.opts.runtime?.filterInternalNodes });
  }

  private async loadConfiguredManifest(): Promise<ManifestLoadResult> {
    const m = this.opts.manifest;
    if (!m?.path) {
      const issues = new IssueSink();
      issues.error({ file: '<config>', line: 0 }, RULE.io, `discovery.mode '${this.opts.mode}' needs discovery.manifest_path`);
      return { ok: false, errors: issues.items, warnings: [] };
    }
    const r = await loadManifest({ ...m, path: m.path });
    for (const w of r.warnings) (w.severity === 'advisory' ? this.log.info : this.log.warn).call(this.log, formatIssue(w));
    return r;
  }

  /** [REF] hybrid without a usable manifest runs runtime_only; [OURS] logged as an error and on /health. */
  private fallBack(r: ManifestLoadResult): void {
    this.effectiveMode = 'runtime_only';
    const why = r.errors.map((e) => formatIssue(e)).join('; ');
    this.log.error(`hybrid discovery has no usable manifest; falling back to runtime_only (deprecated behaviour): ${why}`);
    this.fallbackWarning = healthWarning('hybrid_fallback', `hybrid discovery fell back to runtime_only: ${why}`);
  }
}

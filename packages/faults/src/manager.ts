// The fault manager (docs/faults.md): the single writer of fault state. Reports and clears run
// synchronously one at a time in arrival order; each is committed to the store before it returns, so an
// acknowledged report survives a crash. Capture work is handed to hooks that never block this path.
import { systemClock, type FaultClock, type TimerHandle } from './clock.js';
import type { FaultManagerConfig } from './config.js';
import { ThresholdResolver, type DebounceOverride } from './debounce.js';
import { applyReport, eventForReport, type ApplyResult, type FaultEventType } from './engine.js';
import { FaultEventStream, type FaultEvent } from './events.js';
import { silentLogger, type FaultLogger } from './log.js';
import { cloneRecord, correlationSeverityLabel, type FaultRecord, type FaultStatus } from './model.js';
import type { CorrelationConfig } from './correlation/config.js';
import { CorrelationEngine } from './correlation/engine.js';
import type { FaultRepository } from './storage/repository.js';
import { FaultStoreUnavailable } from './storage/store-status.js';
import { type ReportFaultRequest, validateFaultCode, validateReport } from '@medkit/sovd';
import { TransitionLog, type AuditSink } from './history/transitions.js';
import type { Acknowledgement } from './history/model.js';
import { evictionVictim } from './storage/eviction.js';
import { SteadyFaults } from './steady-faults.js';
import { maintainStore, type StartupMaintenance } from './startup.js';

/** Evidence capture driven by fault transitions (snapshots docs/faults.md, black box docs/faults.md). Implementations never block. */
export interface FaultCaptureHooks {
  /** A `fault_confirmed` condition occurred (also when the event itself was muted, and for auto-confirm); `context.rootCause`: the root cause it is a symptom of. */
  onConfirmed(fault: FaultRecord, context?: { rootCause?: string }): void;
  /** A fault became PREFAILED (new, reactivated or by transition): starts a lazy black-box buffer (docs/faults.md). */
  onPrefailed(fault: FaultRecord): void;
  /** Codes were cleared (the cleared code first, then its cascade): cooldown reset and rosbag auto-cleanup. */
  onCleared(codes: readonly string[]): void;
}

export type { AuditKind, AuditSink } from './history/transitions.js';

interface FaultManagerOptions {
  config: FaultManagerConfig;
  repository: FaultRepository;
  clock?: FaultClock;
  log?: FaultLogger;
  /** Parsed `entity_thresholds.config_file` (see `parseEntityThresholds`). */
  entityThresholds?: Record<string, DebounceOverride>;
  /** Parsed correlation rules; absent or disabled = no correlation. */
  correlation?: CorrelationConfig;
  capture?: FaultCaptureHooks;
  audit?: AuditSink;
}

export interface ReportOutcome {
  accepted: boolean;
  /** Why the report was rejected (accepted = false). */
  reason?: string;
  /** Status after the report; absent when nothing was stored (PASSED on an unknown code). */
  status?: FaultStatus;
  /** The event published for this report, if any. */
  event?: FaultEvent;
  /** The correlation engine muted this report's event. */
  muted?: boolean;
  /** Rejected because the fault store could not store it (docs/faults.md "Storage outages"): nothing changed. */
  storeUnavailable?: boolean;
}

export interface ClearOutcome {
  success: boolean;
  message: string;
  auto_cleared_codes: string[];
}

interface FaultManagerHealth {
  fault_count: number;
  max_fault_codes: number;
  /** True while new codes are being rejected because the store is full of confirmed faults (docs/faults.md decision Q7). */
  store_full: boolean;
  rejected_reports: number;
  /** Reports refused because the store could not store them (included in rejected_reports). */
  store_refused_reports: number;
  evicted_records: number;
  events_published: number;
}

const NS_PER_SEC = 1_000_000_000;


export class FaultManager {
  readonly events: FaultEventStream;
  readonly correlation: CorrelationEngine | undefined;
  readonly thresholds: ThresholdResolver;
  readonly clock: FaultClock;
  private readonly log: FaultLogger;
  private capture: FaultCaptureHooks | undefined;
  /** The status history and the audit log: every kept change goes through here. */
  private readonly transitions: TransitionLog;
  private autoConfirmTimer: TimerHandle | undefined;
  private cleanupTimer: TimerHandle | undefined;
  private storeFull = false;
  private rejected = 0;
  private storeRefused = 0;
  private evicted = 0;
  /** Every report() call, accepted or not (a monitoring counter: rate() gives reports per second). */
  private reports = 0;
  /** What subscribers were last told of each code: a re-report with nothing new publishes nothing (issue 67). */
  private readonly steady: SteadyFaults;

  constructor(private readonly opts: FaultManagerOptions) {
    this.clock = opts.clock ?? systemClock();
    this.log = opts.log ?? silentLogger;
    this.events = new FaultEventStream(this.log);
    const c = opts.config;
    this.thresholds = new ThresholdResolver(
      { confirmation_threshold: c.confirmation_threshold, healing_enabled: c.healing_enabled, healing_threshold: c.healing_threshold },
      opts.entityThresholds ?? {},
      this.log,
    );
    if (this.thresholds.overrideCount > 0 && c.auto_confirm_after_sec > 0) {
      this.log.warn('auto_confirm_after_sec ignores per-entity threshold policies');
    }
    this.correlation = opts.correlation?.enabled ? new CorrelationEngine(opts.correlation) : undefined;
    this.capture = opts.capture;
    this.steady = new SteadyFaults(c.max_fault_codes);
    this.transitions = new TransitionLog(opts.repository, () => this.config.history.max_per_fault, opts.audit);
  }

  get config(): FaultManagerConfig {
    return this.opts.config;
  }

  get repository(): FaultRepository {
    return this.opts.repository;
  }

  /** Connects snapshot/black-box capture after construction (they need the manager's repository). */
  setCaptureHooks(hooks: FaultCaptureHooks | undefined): void {
    this.capture = hooks;
  }

  /**
   * Start-up (docs/faults.md): near-miss and snapshot bounds, HEALED→CLEARED reclassification when healing is off,
   * then the auto-confirm and correlation cleanup timers.
   */
  start(): StartupMaintenance {
    let result: StartupMaintenance = { trimmed_near_misses: 0, trimmed_snapshots: 0, reclassified: [] };
    const maintain = () => {
      try {
        result = this.maintain();
      } catch (err) {
        if (!(err instanceof FaultStoreUnavailable)) throw err;
        this.log.error(`start-up maintenance of the fault store skipped: ${err.message}`);
      }
    };
    // A store that loads in the background (PostgreSQL) is maintained once it has loaded.
    if (this.repository.whenReady) this.repository.whenReady(maintain);
    else maintain();
    const c = this.config;
    if (c.auto_confirm_after_sec > 0 && !this.autoConfirmTimer) {
      this.autoConfirmTimer = this.clock.setInterval(() => this.autoConfirmTick(), 1000);
    }
    if (this.correlation && !this.cleanupTimer) {
      this.cleanupTimer = this.clock.setInterval(() => this.correlation?.cleanup(this.clock.monoMs()), c.correlation.cleanup_interval_sec * 1000);
    }
    return result;
  }

  private maintain(): StartupMaintenance {
    const { repository: repo, config, transitions, log } = this;
    return maintainStore({ repo, config, healingEnabled: this.thresholds.global.healing_enabled, transitions, log, nowNs: this.clock.wallNs() });
  }

  /** Stops the timers. The repository stays open (its owner closes it). */
  stop(): void {
    this.clock.clear(this.autoConfirmTimer);
    this.clock.clear(this.cleanupTimer);
    this.autoConfirmTimer = this.cleanupTimer = undefined;
  }

  /** A copy of the stored record. */
  getFault(code: string): FaultRecord | undefined {
    return this.repository.getFault(code);
  }

  /**
   * Handles one `report_fault` request (docs/faults.md). Returns after the change is durable and capture
   * work was enqueued. Invalid input is rejected with a reason and leaves stored faults untouched.
   */
  report(req: ReportFaultRequest, sourceProblem?: (sourceId: string) => string | undefined): ReportOutcome {
    this.reports++;
    try {
      return this.apply(req, sourceProblem);
    } catch (err) {
      if (!(err instanceof FaultStoreUnavailable)) throw err;
      // Nothing was stored, so nothing is shown or published: the reporter hears at once that it failed.
      this.rejected++;
      this.storeRefused++;
      this.log.warn(`report_fault ${req.fault_code} refused: ${err.message}`);
      return { accepted: false, reason: err.message, storeUnavailable: true };
    }
  }

  private apply(req: ReportFaultRequest, sourceProblem?: (sourceId: string) => string | undefined): ReportOutcome {
    const reason = validateReport(req, sourceProblem);
    if (reason) {
      this.rejected++;
      this.log.warn(`report_fault rejected: ${reason}`);
      return { accepted: false, reason };
    }
    const failed = req.event_type === 0;
    const existing = this.repository.getFault(req.fault_code);
    if (!existing && failed && !this.makeRoom()) {
      this.rejected++;
      const why = `fault store full: ${this.config.max_fault_codes} codes, all confirmed; new code '${req.fault_code}' rejected`;
      this.log.warn(why);
      return { accepted: false, reason: why };
    }
    const cfg = this.thresholds.resolve(req.source_id);
    const now = this.clock.wallNs();
    const res = applyReport(existing, {
      code: req.fault_code, failed, severity: failed ? req.severity : 0, description: failed ? req.description : '',
      source: req.source_id, nowNs: now,
    }, cfg);
    if (!res.changed || !res.record) return { accepted: true, status: res.record?.status };
    const rec = res.record;
    const type = eventForReport(res);
    // The fault and its event's journal entries (the fleet outbox) commit together (docs/fleet.md).
    const { event, muted, quiet, rootCause, correlation } = this.repository.atomically(() => {
      this.repository.putFault(rec, res.nearMiss, this.config.near_miss.max_per_fault);
      const correlation = failed && this.correlation
        ? this.correlation.processFailed(rec.fault_code, correlationSeverityLabel(req.severity), this.clock.monoMs(), now, undefined, rec.reporting_sources)
        : undefined;
      const muted = Boolean(correlation?.shouldMute) && (type === 'fault_confirmed' || type === 'fault_updated');
      this.recordReport(res, req.source_id, now, type === 'fault_confirmed' && muted ? correlation?.rootCause ?? '' : undefined);
      // A re-report of a confirmed fault that tells subscribers nothing new is stored, not published.
      const quiet = type === 'fault_updated' && this.steady.isQuiet(rec, muted ? { shown: false, under: correlation?.rootCause } : { shown: true }, this.clock.monoMs());
      return { event: type && !muted && !quiet ? this.journal(type, rec, now) : undefined, muted, quiet, rootCause: correlation?.rootCause, correlation };
    });
    if (event) this.tell(event);
    else if (type && muted && !quiet) this.deliverMuted(type, rec, now, rootCause);
    if (correlation) this.deliverRetroMuted(correlation, now);
    if (type === 'fault_confirmed') this.capture?.onConfirmed(cloneRecord(rec), { rootCause });
    if (rec.status === 'PREFAILED' && res.prev !== 'PREFAILED') this.capture?.onPrefailed(cloneRecord(rec));
    return { accepted: true, status: rec.status, event, muted: muted || undefined };
  }

  /** The history of one applied report; `mutedUnder` names the root cause whose symptom it confirmed as. */
  private recordReport(res: ApplyResult, source: string, now: bigint, mutedUnder?: string): void {
    const rec = res.record;
    if (!rec) return;
    if (res.isNew) this.transitions.record('occurred', rec, source, now);
    if (rec.status === 'CONFIRMED' && res.prev !== 'CONFIRMED') this.transitions.record('confirmed', rec, source, now);
    if (mutedUnder !== undefined) this.transitions.record('muted', rec, mutedUnder, now, `a symptom of ${mutedUnder || 'a root cause'}`);
    if (rec.status === 'HEALED' && res.prev !== 'HEALED') this.transitions.record('healed', rec, 'auto_heal', now, `last PASSED from ${source}`);
  }

  /** The code's stored status history, oldest first (docs/faults.md "Status history"). */
  history(code: string): ReturnType<FaultRepository['history']> {
    return this.repository.history(code);
  }

  /** The acknowledgement of the fault's current occurrence, if someone gave one. */
  acknowledgement(rec: FaultRecord): Acknowledgement | undefined {
    return this.transitions.acknowledgement(rec);
  }

  /**
   * An operator says "I have this one" (docs/faults.md "Acknowledge"): kept in the history with who and a note,
   * published as a `fault_updated`; it lasts while the occurrence does. A cleared fault has nothing to acknowledge.
   */
  acknowledge(code: string, by: string, note = ''): { acknowledgement: Acknowledgement } | { refused: 'not-found' | 'not-active' } {
    const rec = this.repository.getFault(code);
    if (!rec) return { refused: 'not-found' };
    if (rec.status === 'CLEARED') return { refused: 'not-active' };
    const now = this.clock.wallNs();
    const event = this.repository.atomically(() => {
      this.transitions.record('acknowledged', rec, by, now, note);
      return this.journal('fault_updated', rec, now);
    });
    this.tell(event);
    return { acknowledgement: this.acknowledgement(rec)! };
  }

  /**
   * Adds a writer that records each fault event inside the fault store's write transaction (the fleet
   * outbox, docs/fleet.md): it runs synchronously before the change commits, its writes to the store's
   * database commit with the fault, and a throw rolls the fault change back (the report fails). Returns the
   * function that removes it. Listeners of {@link events} see the event only after the commit.
   */
  addEventJournal(write: (event: FaultEvent) => void): () => void {
    this.journals.add(write);
    return () => { this.journals.delete(write); };
  }

  private readonly journals = new Set<(event: FaultEvent) => void>();

  /** Prepares an event and runs the journals on it; call inside `repository.atomically`, deliver after. */
  private journal(type: FaultEventType, rec: FaultRecord, now: bigint, cascade: string[] = []): FaultEvent {
    const acknowledgement = this.transitions.acknowledgement(rec);
    const event = this.events.prepare({ event_type: type, fault: cloneRecord(rec), timestamp_ns: now, auto_cleared_codes: cascade, ...(acknowledgement ? { acknowledgement } : {}) });
    for (const write of this.journals) write(event);
    return event;
  }

  /** Delivers a committed event to the subscribers, noting what they were told of its fault. */
  private tell(event: FaultEvent): void {
    this.steady.tell(event.fault, { shown: true }, this.clock.monoMs());
    this.events.deliver(event);
  }

  /** A muted symptom's change, told to `/faults/stream` only (no journal: the fleet and the merged views never see it). */
  private deliverMuted(type: FaultEventType, rec: FaultRecord, now: bigint, rootCause?: string): void {
    this.steady.tell(rec, { shown: false, under: rootCause }, this.clock.monoMs());
    const acknowledgement = this.transitions.acknowledgement(rec);
    this.events.deliverMuted({ event_type: type, fault: cloneRecord(rec), timestamp_ns: now, ...(rootCause ? { root_cause_code: rootCause } : {}), ...(acknowledgement ? { acknowledgement } : {}) });
  }

  /** Members a cluster hid after the fact were shown: each gets a `fault_muted` (docs/faults.md); only ours have a record. */
  private deliverRetroMuted(r: { retroMuted: string[]; representative?: string }, now: bigint): void {
    for (const rec of r.retroMuted.map((c) => this.repository.getFault(c))) if (rec) this.deliverMuted('fault_updated', rec, now, r.representative);
  }

  /**
   * docs/faults.md decision Q7: keeps the number of codes under `max_fault_codes` by evicting, oldest `last_occurred` first, a CLEARED,
   * then HEALED, then PREPASSED, then PREFAILED record — never a CONFIRMED one. False when only confirmed remain.
   */
  private makeRoom(): boolean {
    const max = this.config.max_fault_codes;
    if (max <= 0 || this.repository.faultCount() < max) {
      this.storeFull = false;
      return true;
    }
    const victim = evictionVictim(this.repository.allFaults());
    if (!victim) {
      if (!this.storeFull) this.log.warn(`fault store holds ${max} confirmed faults; new codes are rejected until some are cleared`);
      this.storeFull = true;
      return false;
    }
    this.repository.deleteFault(victim.fault_code);
    this.steady.forget(victim.fault_code);
    this.evicted++;
    this.log.info(`fault store full: evicted ${victim.status} record '${victim.fault_code}'`);
    this.storeFull = false;
    return true;
  }

  /**
   * `clear_fault` (docs/fleet.md). `skipCorrelationAutoClear` (per-entity REST deletes) leaves the correlation
   * engine untouched: no cascade, symptoms stay muted.
   */
  clear(code: string, opts: { skipCorrelationAutoClear?: boolean; by?: string } = {}): ClearOutcome {
    const invalid = validateFaultCode(code);
    if (invalid) return { success: false, message: invalid, auto_cleared_codes: [] };
    const cascadeAsked = this.correlation && !opts.skipCorrelationAutoClear ? this.correlation.clear(code) : [];
    const rec = this.repository.getFault(code);
    if (!rec) return { success: false, message: `Fault not found: ${code}`, auto_cleared_codes: [] };
    const now = this.clock.wallNs();
    const cascade = cascadeAsked.filter((s) => s !== code && this.repository.getFault(s));
    const changed = [rec, ...cascade.map((s) => this.repository.getFault(s)!)];
    for (const r of changed) r.status = 'CLEARED';
    const event = this.repository.atomically(() => {
      this.repository.putFaults(changed);
      for (const r of changed) {
        if (!this.config.snapshots.retain_on_clear) this.repository.deleteSnapshots(r.fault_code);
        this.transitions.record('cleared', r, opts.by ?? 'clear_service', now, r === rec ? '' : `with its root cause ${code}`);
      }
      return this.journal('fault_cleared', rec, now, cascade);
    });
    this.capture?.onCleared(changed.map((r) => r.fault_code));
    this.tell(event);
    const message = cascade.length > 0 ? `Fault cleared: ${code} (auto-cleared ${cascade.length} symptoms)` : `Fault cleared: ${code}`;
    return { success: true, message, auto_cleared_codes: cascade };
  }

  /**
   * A peer gateway's fault confirmed (docs/faults.md "Correlation over federation") correlates like a report of ours: a
   * root of local symptoms, a symptom of a local root (hidden from the merged list), a cluster member. Not stored.
   */
  correlatePeerFault(code: string, severity: number, gateway: string, sources: readonly string[] = []): void {
    if (!this.correlation || validateFaultCode(code) || !Number.isInteger(severity)) return;
    const now = this.clock.wallNs();
    this.deliverRetroMuted(this.correlation.processFailed(code, correlationSeverityLabel(severity), this.clock.monoMs(), now, gateway, sources), now);
  }

  /**
   * A peer gateway's fault was cleared: as a root cause whose rule says `auto_clear_with_root`, it clears the local
   * symptoms it muted, as a local clear would. Returns the local codes cleared.
   */
  peerFaultCleared(code: string): string[] {
    if (!this.correlation || validateFaultCode(code)) return [];
    const cascade = this.correlation.clear(code).filter((s) => s !== code && this.repository.getFault(s));
    for (const s of cascade) this.clear(s, { skipCorrelationAutoClear: true });
    return cascade;
  }

  /** A peer gateway went offline: its root causes release the symptoms they muted, each shown again by a `fault_updated`. */
  releasePeerGateway(gateway: string): string[] {
    const released = this.correlation?.releaseGateway(gateway) ?? [];
    const local = released.map((c) => this.repository.getFault(c)).filter((r): r is FaultRecord => r !== undefined);
    if (local.length === 0) return released;
    const now = this.clock.wallNs();
    let events: FaultEvent[];
    try {
      events = this.repository.atomically(() => local.map((r) => {
        this.transitions.record('unmuted', r, gateway, now, `its root cause's gateway ${gateway} went offline`);
        return this.journal('fault_updated', r, now);
      }));
    } catch (err) {
      if (!(err instanceof FaultStoreUnavailable)) throw err;
      // The release stands and the stream tells it; only the history entries and the fleet's events are lost.
      events = local.map((r) => this.events.prepare({ event_type: 'fault_updated', fault: cloneRecord(r), timestamp_ns: now, auto_cleared_codes: [] }));
    }
    for (const e of events) this.tell(e);
    return released;
  }

  /**
   * Removes `source` from the fault's reporting sources when another source remains (a provisional source a
   * later report superseded); publishes a `fault_updated`. False when nothing changed.
   */
  dropSource(code: string, source: string): boolean {
    const rec = this.repository.getFault(code);
    if (!rec || !rec.reporting_sources.includes(source) || rec.reporting_sources.length < 2) return false;
    const next = { ...rec, reporting_sources: rec.reporting_sources.filter((s) => s !== source) };
    const now = this.clock.wallNs();
    const event = this.repository.atomically(() => {
      this.repository.putFault(next);
      return this.journal('fault_updated', next, now);
    });
    this.tell(event);
    return true;
  }

  /**
   * Time-based auto-confirm (docs/faults.md decision D1): PREFAILED faults whose last FAILED is at least `auto_confirm_after_sec`
   * old become CONFIRMED, publish `fault_confirmed` (unless muted) and trigger capture. Returns the count.
   */
  autoConfirmTick(): number {
    try {
      return this.confirmDue();
    } catch (err) {
      if (!(err instanceof FaultStoreUnavailable)) throw err;
      // The due faults stay PREFAILED in the store; the next tick after the outage confirms them.
      this.log.warn(`auto-confirm deferred: ${err.message}`);
      return 0;
    }
  }

  private confirmDue(): number {
    const after = this.config.auto_confirm_after_sec;
    if (after <= 0) return 0;
    const now = this.clock.wallNs();
    const limit = BigInt(Math.round(after * NS_PER_SEC));
    const due = this.repository.allFaults().filter((r) => r.status === 'PREFAILED' && r.last_failed_ns > 0n && now - r.last_failed_ns >= limit);
    if (due.length === 0) return 0;
    for (const r of due) {
      r.status = 'CONFIRMED';
      r.confirmed_at_ns = now;
    }
    const events = this.repository.atomically(() => {
      this.repository.putFaults(due);
      return due.flatMap((r) => {
        this.transitions.record('confirmed', r, 'auto_confirm', now);
        return this.correlation?.isMuted(r.fault_code) ? [] : [this.journal('fault_confirmed', r, now)];
      });
    });
    for (const e of events) this.tell(e);
    for (const r of due) if (!events.some((e) => e.fault.fault_code === r.fault_code)) this.deliverMuted('fault_confirmed', r, now);
    for (const r of due) this.capture?.onConfirmed(cloneRecord(r));
    return due.length;
  }

  /** Reports handled since start-up: accepted (stored, or no change) and rejected (invalid, store full, store unavailable). */
  reportCounts(): { accepted: number; rejected: number; store_unavailable: number } {
    return { accepted: this.reports - this.rejected, rejected: this.rejected, store_unavailable: this.storeRefused };
  }

  health(): FaultManagerHealth {
    let count = 0;
    try {
      count = this.repository.faultCount();
    } catch (err) {
      // Not loaded yet (PostgreSQL connecting): the store's own status says so.
      if (!(err instanceof FaultStoreUnavailable)) throw err;
    }
    return {
      fault_count: count,
      max_fault_codes: this.config.max_fault_codes,
      store_full: this.storeFull,
      rejected_reports: this.rejected,
      store_refused_reports: this.storeRefused,
      evicted_records: this.evicted,
      events_published: this.events.lastId,
    };
  }
}

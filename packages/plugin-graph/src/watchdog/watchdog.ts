// The graph watchdog's tick (docs/graph.md): take the bounded topology, update warm-up, run every enabled
// detector, hold each finding through its detector's grace, gate raises on warm-up, aggregate per fault code
// and report level-triggered: FAILED while a code has findings, PASSED on each clean sweep while the fault
// manager still lists the code as failing (or it was raised by this run).
import type { PluginRosAccess } from '@medkit/plugin-api';

/** One FAILED (passed false) or PASSED report of a watchdog code; the plugin turns it into a fault report. */
export interface WatchdogReport {
  code: string;
  passed: boolean;
  /** 0 INFO, 1 WARNING, 2 ERROR, 3 CRITICAL (the fault manager's scale). */
  severity: number;
  description: string;
  /** The reporting source the fault is listed under. */
  sourceId: string;
}
import type { DetectorMode } from './config.js';
import type { Detector, Finding } from './detectors/detector.js';
import { takeTopology, type Topology, type TopologyLimits } from './topology.js';
import { WarmupGate } from './warmup.js';

export const WATCHDOG_SOURCE_ID = 'graph_watchdog';
const WATCHDOG_SCHEMA_VERSION = '1.0.0';
/** Findings listed in one fault description at most, and its length cap. */
const DESCRIPTION_ITEMS = 20;
const DESCRIPTION_CHARS = 4000;
/** Distinct reporting sources one code reports FAILED under per tick at most (each is a fault-manager write). */
const SOURCES_PER_CODE = 8;
/** Entities listed on the status route at most. */
const STATUS_ENTITIES = 1024;

interface WatchdogDeps {
  /** Live ROS access, or undefined (no ROS: the topology is empty). */
  ros(): PluginRosAccess | undefined;
  report(r: WatchdogReport): boolean;
  /** Fault codes the fault manager lists as failing now (PREFAILED or CONFIRMED). */
  failingCodes(): Set<string>;
  /** Lifecycle label of a node, when some detector knows it. */
  lifecycleOf?(fqn: string): string | undefined;
}

interface DetectorSlot {
  detector: Detector;
  mode: DetectorMode;
  /** Findings of the last sweep that passed grace, each with whether warm-up let it raise. */
  active: (Finding & { armed: boolean })[];
  pending: number;
  error?: string;
}

export class GraphWatchdog {
  tick = 0;
  private readonly warmup: WarmupGate;
  private readonly slots: DetectorSlot[];
  /** Consecutive sweeps each finding (detector, code, subject) has been seen. */
  private readonly held = new Map<string, number>();
  /** Codes this run reported FAILED and has not seen healed yet. */
  private readonly raised = new Set<string>();
  private topology: Topology = { nodes: [], topics: [], truncated: false };

  constructor(
    detectors: { detector: Detector; mode: DetectorMode }[],
    private readonly deps: WatchdogDeps,
    opts: { warmupCycles: number; pruneGrace: number; limits: TopologyLimits },
    private readonly limits: TopologyLimits = opts.limits,
  ) {
    this.warmup = new WarmupGate(opts.warmupCycles, opts.pruneGrace);
    this.slots = detectors.filter((d) => d.mode !== 'off').map((d) => ({ ...d, active: [], pending: 0 }));
  }

  /** One sweep. Never throws: a failing detector is recorded on the status route and skipped for this tick. */
  async runTick(): Promise<void> {
    this.tick++;
    const ros = this.deps.ros();
    this.topology = ros ? takeTopology(ros.graph, this.limits) : { nodes: [], topics: [], truncated: false };
    this.warmup.observe(this.tick, this.topology.nodes.map((n) => n.fqn));
    const armed = (fqn: string) => this.warmup.armed(fqn);
    const seen = new Set<string>();
    for (const slot of this.slots) {
      let findings: Finding[];
      try {
        findings = await slot.detector.sweep({ tick: this.tick, topology: this.topology, armed, ros });
        slot.error = undefined;
      } catch (err) {
        slot.error = (err as Error)?.message ?? String(err);
        continue;
      }
      slot.active = [];
      slot.pending = 0;
      for (const f of findings) {
        const key = `${slot.detector.id}|${f.code}|${f.subject}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const n = (this.held.get(key) ?? 0) + 1;
        this.held.set(key, n);
        if (n >= Math.max(1, slot.detector.grace)) slot.active.push({ ...f, armed: f.nodes.every(armed) });
        else slot.pending++;
      }
    }
    // Consecutive: a finding missing from one sweep starts its grace again.
    for (const key of this.held.keys()) if (!seen.has(key)) this.held.delete(key);
    this.report();
  }

  private report(): void {
    const byCode = new Map<string, Finding[]>();
    const raiseCodes = new Set<string>();
    for (const slot of this.slots) {
      if (slot.mode !== 'raise' || slot.error) continue;
      for (const c of slot.detector.codes) raiseCodes.add(c);
      for (const f of slot.active) {
        if (!f.armed) continue;
        let list = byCode.get(f.code);
        if (!list) byCode.set(f.code, (list = []));
        list.push(f);
      }
    }
    for (const [code, findings] of byCode) {
      // reduce, not Math.max(...): a finding list can be longer than the argument limit.
      const severity = findings.reduce((m, f) => Math.max(m, f.severity), 0);
      const description = describe(code, findings);
      for (const sourceId of sourcesOf(findings)) this.deps.report({ code, passed: false, severity, description, sourceId });
      this.raised.add(code);
    }
    // A code failing in the fault manager from an earlier run is healed like one this run raised.
    if (this.tick === 1) for (const c of this.deps.failingCodes()) if (raiseCodes.has(c)) this.raised.add(c);
    const passed: string[] = [];
    for (const code of raiseCodes) {
      if (byCode.has(code) || !this.raised.has(code)) continue;
      this.deps.report({ code, passed: true, severity: 0, description: '', sourceId: WATCHDOG_SOURCE_ID });
      passed.push(code);
    }
    // A code no detector may raise any more (a deleted value rule) is forgotten, so deletions cannot pile up.
    const known = new Set(this.slots.flatMap((slot) => [...slot.detector.codes]));
    for (const code of this.raised) if (!known.has(code)) this.raised.delete(code);
    // Listing faults costs more than a report: only when something was passed, once per tick.
    if (passed.length > 0) {
      const failing = this.deps.failingCodes();
      for (const code of passed) if (!failing.has(code)) this.raised.delete(code);
    }
  }

  /** Closes every detector (their subscriptions); no tick runs after it. */
  close(): void {
    for (const s of this.slots) s.detector.close?.();
  }

  /** The body of `GET /x-medkit-watchdog` (without the wrapper the route adds). */
  status(warmupCycles: number): Record<string, unknown> {
    const entities = this.warmup.entries().slice(0, STATUS_ENTITIES).map(([fqn, p]) => ({
      id: fqn,
      first_seen_tick: p.firstSeen,
      armed: this.warmup.armed(fqn),
      state: p.lastSeen === this.tick ? 'present' : 'absent',
      lifecycle: this.deps.lifecycleOf?.(fqn) ?? null,
    }));
    const detectors: Record<string, unknown> = {};
    for (const s of this.slots) {
      detectors[s.detector.id] = {
        mode: s.mode,
        codes: s.detector.codes,
        grace: s.detector.grace,
        findings: s.active.map((f) => ({ code: f.code, severity: f.severity, subject: f.subject, text: f.text, armed: f.armed })),
        pending_findings: s.pending,
        ...s.detector.status(),
        ...(s.error ? { error: s.error } : {}),
      };
    }
    return {
      schema_version: WATCHDOG_SCHEMA_VERSION,
      tick: this.tick,
      warmup_cycles: warmupCycles,
      global_state: this.warmup.globalState,
      topology: { nodes: this.topology.nodes.length, topics: this.topology.topics.length, truncated: this.topology.truncated },
      entities,
      detectors,
    };
  }
}

/**
 * The reporting sources of one code's FAILED reports, one report each (in finding order, at most
 * SOURCES_PER_CODE): the fault manager adds each to the fault's sources, so the gateway can list the fault
 * under the Apps involved. Findings without a source report as the watchdog's own App.
 */
export function sourcesOf(findings: Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) {
    if (out.size >= SOURCES_PER_CODE) break;
    out.add(f.source ?? WATCHDOG_SOURCE_ID);
  }
  return [...out];
}

/** One fault description for all findings of a code (bounded). */
export function describe(code: string, findings: Finding[]): string {
  const lines = findings.slice(0, DESCRIPTION_ITEMS).map((f) => f.text);
  if (findings.length > DESCRIPTION_ITEMS) lines.push(`and ${findings.length - DESCRIPTION_ITEMS} more`);
  const text = `${code}: ${findings.length} finding${findings.length === 1 ? '' : 's'}: ${lines.join(' | ')}`;
  return text.length > DESCRIPTION_CHARS ? `${text.slice(0, DESCRIPTION_CHARS - 1)}…` : text;
}

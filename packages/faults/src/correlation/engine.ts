// Correlation engine (docs/faults.md): root causes and their symptoms, auto clusters, muting.
// State is in memory only and is lost on restart (docs/faults.md). Times: monotonic ms for windows, wall ns for display.
import { severityRank } from '../model.js';
import type { ClusterRule, CorrelationConfig, FaultOrigin, HierarchicalRule } from './config.js';

/** MutedFaultInfo.msg */
export interface MutedFaultInfo {
  fault_code: string;
  root_cause_code: string;
  rule_id: string;
  delay_ms: number;
}

/** ClusterInfo.msg (times as wall ns). */
export interface ClusterInfo {
  cluster_id: string;
  rule_id: string;
  rule_name: string;
  label: string;
  representative_code: string;
  representative_severity: string;
  fault_codes: string[];
  count: number;
  first_at_ns: bigint;
  last_at_ns: bigint;
}

interface CorrelationResult {
  shouldMute: boolean;
  isRootCause: boolean;
  /** Root cause this report was attributed to as a symptom. */
  rootCause?: string;
  clusterId?: string;
  /**
   * Members hidden after the fact by this report: a cluster it activated, or a representative it replaced (their
   * own reports were shown, so the caller tells their new state).
   */
  retroMuted: string[];
  /** The cluster's representative, which lists name as the root cause of the {@link retroMuted} members. */
  representative?: string;
}

/**
 * What correlation keeps at most (docs/faults.md "Correlation over federation"): a peer may send any number of codes,
 * where this gateway's own are bounded by `max_fault_codes` (default 10,000, within every bound here). A report past
 * a bound is not correlated (shown on its own), never an error.
 */
export const CORRELATION_LIMITS = {
  /** Root causes waiting for symptoms, and the peer roots' gateways remembered. */
  roots: 1024,
  /** Root causes with symptoms attributed, and symptoms per root. */
  attributedRoots: 1024,
  symptomsPerRoot: 20_000,
  /** Symptoms muted at once. */
  muted: 20_000,
  /** Active clusters, and members per cluster. */
  clusters: 1024,
  clusterMembers: 10_000,
} as const;

/** `gateway`: the peer gateway whose fault it is (correlation over federation); absent for this gateway's own. */
interface PendingRoot { code: string; rule: HierarchicalRule; startMs: number; gateway?: string }
interface Member { code: string; rank: number; label: string }
interface Cluster {
  id: string;
  rule: ClusterRule;
  members: Member[];
  representative: Member;
  startMs: number;
  firstNs: bigint;
  lastNs: bigint;
  active: boolean;
}

export class CorrelationEngine {
  private pendingRoots: PendingRoot[] = [];
  /** Root code → symptoms attributed to it (docs/faults.md decision D2: kept across re-reports). */
  private readonly symptoms = new Map<string, Set<string>>();
  /** Hierarchically muted symptoms. */
  private readonly muted = new Map<string, MutedFaultInfo>();
  /** Root code → the peer gateway it came from (roots of this gateway are not listed). */
  private readonly rootGateway = new Map<string, string>();
  /** Current (newest) cluster per rule, pending or active. */
  private readonly current = new Map<string, Cluster>();
  /** Every cluster that activated and still has members. */
  private readonly activeClusters = new Map<string, Cluster>();
  private clusterSeq = 0;
  private readonly changeListeners = new Set<() => void>();
  private changeQueued = false;
  /** Code → what hides it ({@link hiddenUnder}), built on first use after a change: one lookup per relayed event. */
  private hiddenIndex: Map<string, string> | undefined;

  constructor(readonly config: CorrelationConfig) {}

  /**
   * Adds a listener told whenever what is hidden from lists may have changed (a symptom muted or released, a cluster
   * activated, a representative replaced, a member removed), once per burst, in a microtask: after the change's own
   * events, outside the store's transaction. For views of codes the caller holds no record of (a peer's faults in
   * the merged list). Returns the function that removes it.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  private changed(): void {
    this.hiddenIndex = undefined;
    if (this.changeQueued || this.changeListeners.size === 0) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      for (const l of this.changeListeners) {
        try {
          l();
        } catch {
          // A listener's failure must not reach the fault path; listeners report their own errors.
        }
      }
    });
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /**
   * Processes one accepted FAILED report (docs/faults.md). `severity` is the report's severity (number or label).
   * `gateway`: a peer gateway's fault (docs/faults.md "Correlation over federation"): it may be a root cause of this
   * gateway's symptoms, or a symptom of this gateway's root cause. `sources`: the fault's reporting sources, for
   * rules that name an entity.
   */
  processFailed(code: string, severity: number | string, nowMs: number, wallNs: bigint, gateway?: string, sources: readonly string[] = []): CorrelationResult {
    const none: CorrelationResult = { shouldMute: false, isRootCause: false, retroMuted: [] };
    if (!this.enabled) return none;
    const origin: FaultOrigin = { ...(gateway ? { gateway } : {}), sources };
    this.dropExpiredRoots(nowMs);
    for (const root of this.pendingRoots) {
      if (root.code === code || !root.rule.symptoms.matches(code, origin)) continue;
      const elapsed = nowMs - root.startMs;
      if (elapsed > root.rule.window_ms) continue;
      const set = this.symptoms.get(root.code) ?? new Set<string>();
      if (!set.has(code) && (set.size >= CORRELATION_LIMITS.symptomsPerRoot || (set.size === 0 && this.symptoms.size >= CORRELATION_LIMITS.attributedRoots))) return none;
      if (root.rule.mute_symptoms && !this.muted.has(code) && this.muted.size >= CORRELATION_LIMITS.muted) return none;
      set.add(code);
      this.symptoms.set(root.code, set);
      if (root.rule.mute_symptoms) {
        this.muted.set(code, { fault_code: code, root_cause_code: root.code, rule_id: root.rule.id, delay_ms: Math.max(0, Math.round(elapsed)) });
        this.changed();
        return { ...none, shouldMute: true, rootCause: root.code };
      }
      return { ...none, rootCause: root.code };
    }
    for (const rule of this.config.rules) {
      if (rule.mode === 'hierarchical' && rule.root.matches(code, origin)) {
        // A root cause reported again restarts its window rather than being listed twice.
        this.pendingRoots = this.pendingRoots.filter((r) => r.code !== code);
        if (this.pendingRoots.length >= CORRELATION_LIMITS.roots || (gateway && !this.rootGateway.has(code) && this.rootGateway.size >= CORRELATION_LIMITS.roots)) return none;
        this.pendingRoots.push({ code, rule, startMs: nowMs, ...(gateway ? { gateway } : {}) });
        if (gateway) this.rootGateway.set(code, gateway);
        else this.rootGateway.delete(code);
        return { ...none, isRootCause: true };
      }
    }
    for (const rule of this.config.rules) {
      if (rule.mode === 'auto_cluster' && rule.match.matches(code, origin)) return this.cluster(rule, code, severity, nowMs, wallNs);
    }
    return none;
  }

  private cluster(rule: ClusterRule, code: string, severity: number | string, nowMs: number, wallNs: bigint): CorrelationResult {
    const member: Member = { code, rank: severityRank(severity), label: typeof severity === 'number' ? String(severity) : severity };
    let c = this.current.get(rule.id);
    if (!c || nowMs - c.startMs > rule.window_ms) {
      if (rule.min_count <= 1 && this.activeClusters.size >= CORRELATION_LIMITS.clusters) return { shouldMute: false, isRootCause: false, retroMuted: [] };
      c = { id: `${rule.id}_${++this.clusterSeq}`, rule, members: [member], representative: member, startMs: nowMs, firstNs: wallNs, lastNs: wallNs, active: false };
      this.current.set(rule.id, c);
      if (rule.min_count <= 1) this.activate(c);
      return { shouldMute: false, isRootCause: false, clusterId: c.id, retroMuted: [] };
    }
    c.lastNs = wallNs;
    const existing = c.members.find((m) => m.code === code);
    if (existing) {
      const muted = rule.show_as_single && c.representative.code !== code && c.members.length >= rule.min_count;
      return { shouldMute: muted, isRootCause: false, clusterId: c.id, retroMuted: [] };
    }
    if (c.members.length >= CORRELATION_LIMITS.clusterMembers) return { shouldMute: false, isRootCause: false, retroMuted: [] };
    c.members.push(member);
    const before = c.representative;
    if (rule.representative === 'most_recent' || (rule.representative === 'highest_severity' && member.rank > c.representative.rank)) {
      c.representative = member;
    }
    if (c.active || c.members.length >= rule.min_count) this.changed();
    let retroMuted: string[] = [];
    if (c.members.length >= rule.min_count && !c.active && this.activeClusters.size < CORRELATION_LIMITS.clusters) {
      this.activate(c);
      if (rule.show_as_single) retroMuted = c.members.filter((m) => m !== member && m !== c.representative).map((m) => m.code);
    } else if (c.active && rule.show_as_single && before !== c.representative) {
      // The replaced representative was shown; now it is hidden like the other members.
      retroMuted = [before.code];
    }
    const shouldMute = c.active && rule.show_as_single && c.representative.code !== code;
    return { shouldMute, isRootCause: false, clusterId: c.id, retroMuted, ...(retroMuted.length > 0 ? { representative: c.representative.code } : {}) };
  }

  private activate(c: Cluster): void {
    this.changed();
    c.active = true;
    this.activeClusters.set(c.id, c);
  }

  private dropExpiredRoots(nowMs: number): void {
    const live = (r: PendingRoot) => nowMs - r.startMs <= r.rule.window_ms;
    // Called on every report: a new array only when a root expired.
    if (!this.pendingRoots.every(live)) this.pendingRoots = this.pendingRoots.filter(live);
  }

  /** Periodic cleanup (docs/faults.md): expired pending roots and expired never-activated clusters. */
  cleanup(nowMs: number): void {
    this.dropExpiredRoots(nowMs);
    for (const [ruleId, c] of this.current) {
      if (nowMs - c.startMs > c.rule.window_ms) {
        this.current.delete(ruleId);
      }
    }
  }

  /**
   * Clearing with correlation (docs/faults.md step 1). Returns the symptoms to clear with `code` (its cascade), and
   * forgets `code` everywhere: pending roots, clusters, muted set.
   */
  clear(code: string): string[] {
    if (!this.enabled) return [];
    let cascade: string[] = [];
    const recorded = this.symptoms.get(code);
    if (recorded && recorded.size > 0) {
      const pending = this.pendingRoots.find((r) => r.code === code);
      const rule = pending?.rule ?? this.config.rules.find((r): r is HierarchicalRule => r.mode === 'hierarchical' && r.root.matchesCode(code));
      if (rule?.auto_clear_with_root) {
        cascade = [...recorded].sort();
        for (const s of cascade) {
          this.muted.delete(s);
          this.removeFromClusters(s);
        }
        this.symptoms.delete(code);
      }
    }
    this.pendingRoots = this.pendingRoots.filter((r) => r.code !== code);
    this.rootGateway.delete(code);
    this.removeFromClusters(code);
    if (this.muted.delete(code) || cascade.length > 0) this.changed();
    return cascade;
  }

  private removeFromClusters(code: string): void {
    const all = new Set<Cluster>([...this.current.values(), ...this.activeClusters.values()]);
    for (const c of all) {
      const i = c.members.findIndex((m) => m.code === code);
      if (i < 0) continue;
      c.members.splice(i, 1);
      if (c.active) this.changed();
      if (c.members.length === 0) {
        this.activeClusters.delete(c.id);
        if (this.current.get(c.rule.id) === c) this.current.delete(c.rule.id);
        continue;
      }
      if (c.representative.code === code) c.representative = pickRepresentative(c);
    }
  }

  /**
   * A peer gateway went away (docs/faults.md "Correlation over federation"): its root causes stop waiting for
   * symptoms and the symptoms they muted are shown again, so nothing stays muted behind a root nobody can see.
   * Returns the codes shown again.
   */
  releaseGateway(gateway: string): string[] {
    this.pendingRoots = this.pendingRoots.filter((r) => r.gateway !== gateway);
    const released: string[] = [];
    for (const [root, g] of this.rootGateway) {
      if (g !== gateway) continue;
      this.rootGateway.delete(root);
      for (const s of this.symptoms.get(root) ?? []) {
        if (this.muted.get(s)?.root_cause_code === root) {
          this.muted.delete(s);
          released.push(s);
        }
      }
      this.symptoms.delete(root);
    }
    if (released.length > 0) this.changed();
    return released.sort();
  }

  /** Root causes waiting for symptoms now, with the peer gateway each came from (absent: this gateway's). */
  pendingRootCauses(): { code: string; gateway?: string }[] {
    return this.pendingRoots.map((r) => ({ code: r.code, ...(r.gateway ? { gateway: r.gateway } : {}) }));
  }

  /** Hierarchically muted symptom? */
  isMuted(code: string): boolean {
    return this.muted.has(code);
  }

  /**
   * What `code` is hidden from lists under, if it is (the rule of {@link hiddenFaults}): the root cause of a muted
   * symptom, else the representative of a `show_as_single` cluster it is another member of.
   */
  hiddenUnder(code: string): string | undefined {
    if (!this.hiddenIndex) {
      const index = new Map<string, string>();
      for (const m of this.muted.values()) index.set(m.fault_code, m.root_cause_code);
      for (const c of this.activeClusters.values()) {
        if (!c.rule.show_as_single) continue;
        for (const m of c.members) if (m.code !== c.representative.code && !index.has(m.code)) index.set(m.code, c.representative.code);
      }
      this.hiddenIndex = index;
    }
    return this.hiddenIndex.get(code);
  }

  /**
   * docs/faults.md decision Q5 (binding): with `show_as_single`, non-representative members of an active cluster are hidden from lists
   * like muted symptoms. Returns their info (root_cause_code = the representative).
   */
  private clusterHidden(nowMs: number): MutedFaultInfo[] {
    const out: MutedFaultInfo[] = [];
    for (const c of this.activeClusters.values()) {
      if (!c.rule.show_as_single) continue;
      for (const m of c.members) {
        if (m.code !== c.representative.code) {
          out.push({ fault_code: m.code, root_cause_code: c.representative.code, rule_id: c.rule.id, delay_ms: Math.max(0, Math.round(nowMs - c.startMs)) });
        }
      }
    }
    return out;
  }

  /** Every code hidden from lists unless `include_muted`: muted symptoms and (docs/faults.md decision Q5) cluster members. */
  hiddenFaults(nowMs: number): MutedFaultInfo[] {
    const byCode = new Map<string, MutedFaultInfo>();
    for (const m of this.muted.values()) byCode.set(m.fault_code, { ...m });
    for (const m of this.clusterHidden(nowMs)) if (!byCode.has(m.fault_code)) byCode.set(m.fault_code, m);
    return [...byCode.values()].sort((a, b) => (a.fault_code < b.fault_code ? -1 : 1));
  }

  /** Active clusters (docs/faults.md). */
  clusters(): ClusterInfo[] {
    return [...this.activeClusters.values()].map((c) => ({
      cluster_id: c.id,
      rule_id: c.rule.id,
      rule_name: c.rule.name,
      label: c.rule.name,
      representative_code: c.representative.code,
      representative_severity: c.representative.label,
      fault_codes: c.members.map((m) => m.code),
      count: c.members.length,
      first_at_ns: c.firstNs,
      last_at_ns: c.lastNs,
    }));
  }

  /** Symptoms currently attributed to `rootCode`. */
  symptomsOf(rootCode: string): string[] {
    return [...(this.symptoms.get(rootCode) ?? [])].sort();
  }
}

function pickRepresentative(c: Cluster): Member {
  switch (c.rule.representative) {
    case 'first': return c.members[0];
    case 'most_recent': return c.members[c.members.length - 1];
    default: return c.members.reduce((best, m) => (m.rank > best.rank ? m : best), c.members[0]);
  }
}

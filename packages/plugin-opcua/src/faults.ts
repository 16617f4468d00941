// OPC-UA → faults (docs/opcua.md "Faults"): threshold rules on node values (docs/faults.md, edge-triggered),
// native alarms/conditions from the server's event stream, and the connection-lost fault. Raising is a
// FAILED report to the gateway's fault manager; healing is a PASSED report followed by ClearFault (the
// reference's "ClearFault on return"), so the fault leaves the active list and stays in history.
import { EdgeTracker, evaluatePoint, type PluginFaultReport, type PluginLogger, type PointSeverity } from '@medkit/plugin-api';
import type { NodeConfig, OpcuaConfig } from './config.js';
import { ConditionMap, conditionEntityIds, type ConditionTarget } from './condition-map.js';
import { conditionAction, severityOf, stateOf } from './condition-state.js';
import { numericOf } from './values.js';
import { registerCodes, registerSignals } from './register-faults.js';

export { severityOf } from './condition-state.js';

/** The event fields the plugin selects, in this order (Part 9 BaseEventType / ConditionType / AlarmConditionType). */
export const EVENT_FIELDS = [
  'EventType', 'SourceNode', 'Message', 'Severity', 'ConditionName', 'BranchId', 'ActiveState.Id', 'EnabledState.Id', 'AckedState.Id', 'ConditionId',
  'EventId', 'SourceName', 'ConfirmedState.Id', 'ShelvingState.CurrentState.Id',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** One event as the plugin reads it: NodeIds as strings (`ns=1;i=1001`), ByteStrings as hex, the rest as plain values. */
export type AlarmEvent = Partial<Record<EventField, string | number | boolean | null>>;

const REFRESH_START = 'ns=0;i=2787';
const REFRESH_END = 'ns=0;i=2788';
/** The longest event text used as a fault description. */
const MAX_MESSAGE = 512;
/** The longest EventId (bytes) kept; EventIds are 16 bytes on common servers. */
const MAX_EVENT_ID_BYTES = 1024;

/** An event field or condition variable as a plain value: LocalizedText as its text, ByteString as hex, NodeId as its string. */
export function plainEventValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.length <= MAX_EVENT_ID_BYTES ? v.toString('hex') : null;
  if (typeof v === 'object' && 'text' in v) return (v as { text: string | null }).text ?? null;
  if (typeof v === 'object' || typeof v === 'bigint') return String(v);
  return v as string | number | boolean;
}

export interface FaultSink {
  report(r: PluginFaultReport): boolean;
  clear(code: string): boolean;
}

export class OpcuaFaults {
  /** Fault codes this mapper has raised and not healed. */
  readonly active = new Set<string>();
  private readonly edges = new EdgeTracker();
  /** Native conditions → faults (configured and auto-mapped). */
  readonly conditions: ConditionMap;
  /** Condition faults that reported PASSED and wait for acknowledgement/confirmation before their clear. */
  private readonly healed = new Set<string>();
  /** The reporting entity of each raised code (condition faults may be reported by an App). */
  private readonly entityOf = new Map<string, string>();
  /** Codes taken over from an earlier run as (possibly auto-mapped) condition faults. */
  private readonly adoptedConditions = new Set<string>();
  /** Codes seen during a ConditionRefresh (undefined when no refresh is running). */
  private refreshed?: Set<string>;
  private commsTimer?: NodeJS.Timeout;

  constructor(
    private readonly cfg: OpcuaConfig,
    private readonly sink: FaultSink,
    private readonly log: PluginLogger,
    /** NodeId strings in the library's canonical form (`ns=0;i=…` too). */
    canonical: (nodeId: string) => string,
  ) {
    const reserved = new Set([cfg.comms_lost_fault_code, ...cfg.nodes.flatMap((n) => (n.alarm ? [n.alarm.fault_code] : []))]);
    this.conditions = new ConditionMap(cfg, canonical, reserved, log);
  }

  private raise(code: string, severity: PointSeverity, description: string, entity = this.cfg.component_id): void {
    if (this.sink.report({ fault_code: code, event: 'FAILED', severity, description, entity_id: entity })) {
      this.active.add(code);
      this.healed.delete(code);
      this.entityOf.set(code, entity);
    }
  }

  /** PASSED, then ClearFault unless `clear` is false (an alarm still waiting for its acknowledgement). */
  private heal(code: string, clear = true): void {
    if (!this.active.has(code)) return; // never a clear for a code this plugin did not raise
    const entity = this.entityOf.get(code) ?? this.cfg.component_id;
    if (!this.healed.has(code)) this.sink.report({ fault_code: code, event: 'PASSED', entity_id: entity });
    if (!clear) {
      this.healed.add(code);
      return;
    }
    this.sink.clear(code);
    this.active.delete(code);
    this.healed.delete(code);
    this.entityOf.delete(code);
    this.adoptedConditions.delete(code);
  }

  /**
   * Takes over faults of this configuration still active from an earlier run (the fault manager keeps
   * them across restarts), so a value back to normal, an alarm absent from the ConditionRefresh, or the
   * reconnection heals them instead of leaving them confirmed forever.
   */
  adopt(active: readonly { code: string; entity: string }[]): void {
    const thresholds = new Map(
      this.cfg.nodes.flatMap((n) => [
        ...(n.alarm ? [[n.alarm.fault_code, n.alarm] as const] : []),
        ...(n.register_faults ? registerCodes(n.register_faults).map((r) => [r.fault_code, r] as const) : []),
      ]),
    );
    const known = new Set([...thresholds.keys(), this.cfg.comms_lost_fault_code]);
    // With auto_alarms, every other code of a condition-reporting entity may be an auto-mapped condition:
    // held until the replay (or the ConditionRefresh bracket) says what it is now.
    const conditionEntities = this.cfg.auto_alarms ? conditionEntityIds(this.cfg) : new Set<string>();
    for (const { code, entity } of active) {
      if (this.active.has(code)) continue;
      if (!known.has(code) && !this.conditions.has(code) && !conditionEntities.has(entity)) continue;
      this.active.add(code);
      this.entityOf.set(code, entity);
      if (!known.has(code)) this.adoptedConditions.add(code);
      const t = thresholds.get(code);
      if (t) this.edges.update([{ fault_code: code, active: true, severity: t.severity, message: code }]);
    }
  }

  /**
   * A new value of a node: its threshold or register rule, edge-triggered. Undecidable values keep the state.
   * The fault's source is the App serving the node (its `entity_id`), else the component.
   */
  onValue(node: NodeConfig, json: unknown): void {
    if (node.register_faults) {
      for (const s of this.edges.update(registerSignals(node.register_faults, json))) {
        if (s.active) this.raise(s.fault_code, s.severity, s.message, node.entity_id);
        else this.heal(s.fault_code);
      }
      return;
    }
    const a = node.alarm;
    if (!a) return;
    const signals = evaluatePoint(numericOf(json), { kind: 'threshold', fault_code: a.fault_code, threshold: a.threshold, above: a.above_threshold, severity: a.severity, message: a.message });
    for (const s of this.edges.update(signals)) {
      if (s.active) this.raise(s.fault_code, s.severity, a.message ?? `${node.display_name} ${a.above_threshold ? 'above' : 'below'} ${a.threshold}: ${String(json)}`, node.entity_id);
      else this.heal(s.fault_code);
    }
  }

  /** One event of the server's event stream (a condition state, or a ConditionRefresh bracket). */
  onEvent(e: AlarmEvent): void {
    if (e.EventType === REFRESH_START) {
      this.refreshed = new Set();
      return;
    }
    if (e.EventType === REFRESH_END) {
      // Conditions no longer retained (inactive, acknowledged and confirmed, or gone) are not in the refresh.
      const seen = this.refreshed;
      this.refreshed = undefined;
      if (seen) for (const code of [...this.active]) if (this.isConditionFault(code) && !seen.has(code)) this.heal(code);
      return;
    }
    this.onConditionState(e);
  }

  /** A code fed by native conditions (configured, auto-mapped, or adopted as such). */
  private isConditionFault(code: string): boolean {
    return this.conditions.has(code) || this.adoptedConditions.has(code);
  }

  /**
   * One condition state (an event, or a read-based replay) through the state machine of docs/opcua.md.
   * Returns the fault it concerns, if any.
   */
  onConditionState(e: AlarmEvent): ConditionTarget | undefined {
    const state = stateOf(e);
    const action = conditionAction(state, true);
    if (action === 'ignore' || action === 'history') return undefined; // a branch is an earlier state kept for acknowledgement
    const target = this.conditions.resolve(e);
    if (!target) return undefined;
    this.conditions.remember(target, e);
    const code = target.fault_code;
    this.refreshed?.add(code);
    switch (conditionAction(state, target.require_confirm_for_clear)) {
      case 'raise': {
        if (this.active.has(code) && !this.healed.has(code)) return target; // still active: one FAILED per activation
        const message = typeof e.Message === 'string' && e.Message ? e.Message.slice(0, MAX_MESSAGE) : undefined;
        const name = typeof e.ConditionName === 'string' && e.ConditionName ? e.ConditionName.slice(0, MAX_MESSAGE) : code;
        this.raise(code, target.severity_override ?? severityOf(e.Severity), target.message ?? message ?? name, target.entity_id);
        return target;
      }
      case 'heal':
        this.heal(code, false);
        return target;
      case 'clear':
        this.heal(code);
        return target;
      default:
        return target;
    }
  }

  /** The connection is down: the comms-lost fault after its debounce. */
  onDown(reason: string): void {
    if (!this.cfg.comms_lost_fault_enabled || this.commsTimer) return;
    this.commsTimer = setTimeout(() => {
      this.raise(this.cfg.comms_lost_fault_code, this.cfg.comms_lost_severity, `no connection to ${this.cfg.endpoint_url}: ${reason}`);
      this.log.warn(`${this.cfg.comms_lost_fault_code} raised: ${reason}`);
    }, this.cfg.comms_lost_debounce_ms);
    this.commsTimer.unref();
  }

  onUp(): void {
    clearTimeout(this.commsTimer);
    this.commsTimer = undefined;
    this.heal(this.cfg.comms_lost_fault_code);
  }

  stop(): void {
    clearTimeout(this.commsTimer);
    this.commsTimer = undefined;
  }
}

/** The fields of an event notification (in EVENT_FIELDS order) as a plain AlarmEvent. */
export function alarmEventOf(fields: readonly { value?: unknown }[]): AlarmEvent {
  const out: AlarmEvent = {};
  EVENT_FIELDS.forEach((name, i) => {
    out[name] = plainEventValue(fields[i]?.value);
  });
  return out;
}

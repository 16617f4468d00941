// OPC-UA → faults (docs/opcua.md "Faults"): threshold rules on node values (faults.md §9.4, edge-triggered),
// native alarms/conditions from the server's event stream, and the connection-lost fault. Raising is a
// FAILED report to the gateway's fault manager; healing is a PASSED report followed by ClearFault (the
// reference's "ClearFault on return"), so the fault leaves the active list and stays in history.
import { EdgeTracker, evaluatePoint, type PointSeverity } from '../../faults/bridges/protocol-point.js';
import type { PluginFaultReport, PluginLogger } from '../contract.js';
import type { EventAlarmConfig, NodeConfig, OpcuaConfig } from './config.js';
import { numericOf } from './values.js';
import { registerCodes, registerSignals } from './register-faults.js';

/** The event fields the plugin selects, in this order (Part 9 ConditionType / AlarmConditionType). */
export const EVENT_FIELDS = ['EventType', 'SourceNode', 'Message', 'Severity', 'ConditionName', 'BranchId', 'ActiveState.Id', 'EnabledState.Id', 'AckedState.Id', 'ConditionId'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** One event as the plugin reads it: NodeIds as strings (`ns=1;i=1001`), the rest as plain values. */
export type AlarmEvent = Partial<Record<EventField, string | number | boolean | null>>;

const REFRESH_START = 'ns=0;i=2787';
const REFRESH_END = 'ns=0;i=2788';
const NULL_NODE = 'ns=0;i=0';

/** OPC-UA event Severity 1–1000 → fault severity (gateway.md §16.1). */
export function severityOf(severity: unknown): PointSeverity {
  const n = typeof severity === 'number' ? severity : 0;
  return n > 800 ? 'CRITICAL' : n > 500 ? 'ERROR' : n > 200 ? 'WARNING' : 'INFO';
}

export interface FaultSink {
  report(r: PluginFaultReport): boolean;
  clear(code: string): boolean;
}

export class OpcuaFaults {
  /** Fault codes this mapper has raised and not healed. */
  readonly active = new Set<string>();
  private readonly edges = new EdgeTracker();
  private readonly alarms: Map<string, EventAlarmConfig>;
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
    this.alarms = new Map(cfg.event_alarms.map((a) => [canonical(a.alarm_source), a]));
  }

  private raise(code: string, severity: PointSeverity, description: string): void {
    if (this.sink.report({ fault_code: code, event: 'FAILED', severity, description, entity_id: this.cfg.component_id })) this.active.add(code);
  }

  /** PASSED, then ClearFault unless `clear` is false (an alarm still waiting for its acknowledgement). */
  private heal(code: string, clear = true): void {
    if (!this.active.has(code)) return; // never a clear for a code this plugin did not raise
    this.sink.report({ fault_code: code, event: 'PASSED', entity_id: this.cfg.component_id });
    if (!clear) return;
    this.sink.clear(code);
    this.active.delete(code);
  }

  /**
   * Takes over faults of this configuration still active from an earlier run (the fault manager keeps
   * them across restarts), so a value back to normal, an alarm absent from the ConditionRefresh, or the
   * reconnection heals them instead of leaving them confirmed forever.
   */
  adopt(activeCodes: readonly string[]): void {
    const thresholds = new Map(
      this.cfg.nodes.flatMap((n) => [
        ...(n.alarm ? [[n.alarm.fault_code, n.alarm] as const] : []),
        ...(n.register_faults ? registerCodes(n.register_faults).map((r) => [r.fault_code, r] as const) : []),
      ]),
    );
    const known = new Set([...thresholds.keys(), ...[...this.alarms.values()].map((a) => a.fault_code), this.cfg.comms_lost_fault_code]);
    for (const code of activeCodes) {
      if (!known.has(code) || this.active.has(code)) continue;
      this.active.add(code);
      const t = thresholds.get(code);
      if (t) this.edges.update([{ fault_code: code, active: true, severity: t.severity, message: code }]);
    }
  }

  /** A new value of a node: its threshold or register rule, edge-triggered. Undecidable values keep the state. */
  onValue(node: NodeConfig, json: unknown): void {
    if (node.register_faults) {
      for (const s of this.edges.update(registerSignals(node.register_faults, json))) {
        if (s.active) this.raise(s.fault_code, s.severity, s.message);
        else this.heal(s.fault_code);
      }
      return;
    }
    const a = node.alarm;
    if (!a) return;
    const signals = evaluatePoint(numericOf(json), { kind: 'threshold', fault_code: a.fault_code, threshold: a.threshold, above: a.above_threshold, severity: a.severity, message: a.message });
    for (const s of this.edges.update(signals)) {
      if (s.active) this.raise(s.fault_code, s.severity, a.message ?? `${node.display_name} ${a.above_threshold ? 'above' : 'below'} ${a.threshold}: ${String(json)}`);
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
      // Alarms that were active before a reconnect and are not active any more are not in the refresh.
      const seen = this.refreshed;
      this.refreshed = undefined;
      if (seen) for (const a of this.alarms.values()) if (!seen.has(a.fault_code)) this.heal(a.fault_code);
      return;
    }
    if (!e.ConditionId || e.ConditionId === NULL_NODE) return; // not a condition
    if (e.BranchId && e.BranchId !== NULL_NODE) return; // a previous state kept for acknowledgement: history only
    const alarm = this.alarms.get(String(e.ConditionId)) ?? (e.SourceNode ? this.alarms.get(String(e.SourceNode)) : undefined);
    if (!alarm) return;
    const code = alarm.fault_code;
    if (e['EnabledState.Id'] === false) return this.heal(code);
    if (e['ActiveState.Id'] === true) {
      this.refreshed?.add(code);
      const text = alarm.message ?? (typeof e.Message === 'string' && e.Message ? e.Message : String(e.ConditionName ?? code));
      this.raise(code, alarm.severity_override ?? severityOf(e.Severity), text);
      return;
    }
    if (e['ActiveState.Id'] === false) this.heal(code, !alarm.require_ack_for_clear || e['AckedState.Id'] === true);
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

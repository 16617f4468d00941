// Fault-manager records ↔ ros2_medkit_msgs messages in the JSON form of @medkit/ros2 (docs/faults.md), so the
// services and the events topic are byte-compatible with the reference's C++ reporters, bridges and gateways.
import type { ClusterInfo } from '../correlation/engine.js';
import type { FaultEvent } from '../events.js';
import type { FaultRecord } from '../model.js';
import type { EnvironmentData } from '../query/environment.js';

/** builtin_interfaces/Time from epoch nanoseconds. */
export function rosTime(ns: bigint): { sec: number; nanosec: number } {
  if (ns <= 0n) return { sec: 0, nanosec: 0 };
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}

/** 64-bit integers as the JSON form wants them: numbers within ±(2^53−1), decimal strings beyond. */
export function int64(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** Fault.msg. */
export function faultMsg(f: FaultRecord): Record<string, unknown> {
  return {
    fault_code: f.fault_code,
    severity: f.severity,
    description: f.description,
    first_occurred: rosTime(f.first_occurred_ns),
    last_occurred: rosTime(f.last_occurred_ns),
    last_passed: rosTime(f.last_passed_ns),
    occurrence_count: Math.min(f.occurrence_count, 0xffff_ffff),
    status: f.status,
    reporting_sources: [...f.reporting_sources],
  };
}

/** FaultEvent.msg. */
export function faultEventMsg(e: FaultEvent): Record<string, unknown> {
  return { event_type: e.event_type, fault: faultMsg(e.fault), timestamp: rosTime(e.timestamp_ns), auto_cleared_codes: [...e.auto_cleared_codes] };
}

/** EnvironmentData.msg. */
export function environmentDataMsg(env: EnvironmentData | undefined): Record<string, unknown> {
  if (!env) return { extended_data_records: { first_occurrence_ns: 0, last_occurrence_ns: 0 }, snapshots: [] };
  return {
    extended_data_records: { first_occurrence_ns: int64(env.extended_data_records.first_occurrence_ns), last_occurrence_ns: int64(env.extended_data_records.last_occurrence_ns) },
    snapshots: env.snapshots.map((s) => ({
      type: s.type, name: s.name, data: s.data, topic: s.topic, message_type: s.message_type, bulk_data_id: s.bulk_data_id,
      size_bytes: Math.max(0, Math.trunc(s.size_bytes)), duration_sec: s.duration_sec, format: s.format, captured_at_ns: int64(s.captured_at_ns),
    })),
  };
}

/** ClusterInfo.msg. */
export function clusterMsg(c: ClusterInfo): Record<string, unknown> {
  return {
    cluster_id: c.cluster_id, rule_id: c.rule_id, rule_name: c.rule_name, label: c.label, representative_code: c.representative_code,
    representative_severity: c.representative_severity, fault_codes: [...c.fault_codes], count: c.count, first_at: rosTime(c.first_at_ns), last_at: rosTime(c.last_at_ns),
  };
}

/**
 * `fault_manager.namespace` normalisation (docs/faults.md): leading `/`, no trailing `/`, `/` → root. Characters
 * outside `[A-Za-z0-9_/]` make the value invalid: `warn` is called and the root is used. Returns the node's
 * namespace (`/` for the root).
 */
export function faultManagerNamespace(raw: string, warn: (msg: string) => void): string {
  const v = raw.trim();
  if (v === '' || v === '/') return '/';
  if (!/^[A-Za-z0-9_/]+$/.test(v)) {
    warn(`fault_manager.namespace '${raw}' is invalid (allowed: A-Z a-z 0-9 _ /); serving the fault manager in the root namespace`);
    return '/';
  }
  const parts = v.split('/').filter((p) => p !== '');
  return parts.length === 0 ? '/' : `/${parts.join('/')}`;
}

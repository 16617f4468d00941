// Log entries (docs/resources.md and the binding decision on their shape): what the ring
// buffer keeps, the API form, and the severity ↔ ROS level mapping.
import type { LogEntryBody, RosoutBody } from './rest-shape.js';

export type { LogEntryBody, RosoutBody };

/** One stored /rosout line (or a programmatic entry). */
export interface StoredLog {
  /** Server id, monotonic from 1 (`log_<n>`). */
  n: number;
  /** Source stamp, ns since the Unix epoch. */
  stampNs: bigint;
  /** ROS level: 10 DEBUG, 20 INFO, 30 WARN, 40 ERROR, 50 FATAL. */
  level: number;
  /** Logger name without leading slash (`demo.battery_monitor`). */
  logger: string;
  /** Buffer key: the publishing node's FQN (`/demo/battery_monitor`), or an entity id for programmatic entries. */
  source: string;
  message: string;
  function: string;
  file: string;
  line: number;
}

export const SEVERITIES = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export type Severity = (typeof SEVERITIES)[number];

const LEVEL_OF: Record<Severity, number> = { debug: 10, info: 20, warning: 30, error: 40, fatal: 50 };
const UPPER: Record<Severity, string> = { debug: 'DEBUG', info: 'INFO', warning: 'WARNING', error: 'ERROR', fatal: 'FATAL' };

export function levelOf(s: Severity): number {
  return LEVEL_OF[s];
}

/** ROS level → severity (levels between the named ones round down; below 10 is debug). */
export function severityOf(level: number): Severity {
  if (level >= 50) return 'fatal';
  if (level >= 40) return 'error';
  if (level >= 30) return 'warning';
  if (level >= 20) return 'info';
  return 'debug';
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** ISO 8601 UTC with 9 fractional digits. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

export function entryBody(e: StoredLog): LogEntryBody {
  const sev = severityOf(e.level);
  const context: LogEntryBody['context'] = { node: e.logger };
  if (e.function) context.function = e.function;
  if (e.file) context.file = e.file;
  if (e.line) context.line = e.line;
  return { id: `log_${e.n}`, timestamp: isoNs(e.stampNs), severity: sev, level: UPPER[sev], message: e.message, logger_name: e.logger, context };
}

export function rosoutBody(e: StoredLog): RosoutBody {
  return {
    id: `log_${e.n}`,
    stamp: { sec: Number(e.stampNs / 1_000_000_000n), nanosec: Number(e.stampNs % 1_000_000_000n) },
    level: e.level,
    name: e.logger,
    msg: e.message,
    file: e.file,
    function: e.function,
    line: e.line,
    node: e.source,
  };
}

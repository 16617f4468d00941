// What a log line and a fault event look like as OpenTelemetry log records (docs/logs-export.md): the event name
// (also as the `event.name` attribute, for receivers older than the LogRecord's event_name field), the OTel severity
// number of the ROS level, and the attributes a query filters on.
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import type { LogSeverity, PluginFaultEvent, PluginLogEntry } from '@medkit/plugin-api';

export const LOG_EVENT = 'medkit.log';

/** ROS levels (rcl DEBUG 10 … FATAL 50) as OTel severity numbers: DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21. */
export const SEVERITY_NUMBER: Readonly<Record<LogSeverity, SeverityNumber>> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warning: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

const SEVERITY_TEXT: Readonly<Record<LogSeverity, string>> = { debug: 'DEBUG', info: 'INFO', warning: 'WARN', error: 'ERROR', fatal: 'FATAL' };

/** Fault severities 0 INFO, 1 WARN, 2 ERROR, 3 CRITICAL; a heal or clear is INFO whatever the fault was. */
const FAULT_SEVERITY: readonly [SeverityNumber, string][] = [
  [SeverityNumber.INFO, 'INFO'],
  [SeverityNumber.WARN, 'WARN'],
  [SeverityNumber.ERROR, 'ERROR'],
  [SeverityNumber.FATAL, 'CRITICAL'],
];

/** A Date, not milliseconds: the SDK reads a number below the process's start as a performance-clock offset. */
function millis(iso: string): Date {
  const t = Date.parse(iso);
  return new Date(Number.isFinite(t) ? t : Date.now());
}

/** One log entry of the gateway (a node's /rosout line or a programmatic entry). */
export function logRecordOf(e: PluginLogEntry): LogRecord {
  return {
    eventName: LOG_EVENT,
    timestamp: millis(e.timestamp),
    severityNumber: SEVERITY_NUMBER[e.severity],
    severityText: SEVERITY_TEXT[e.severity],
    body: e.message,
    attributes: {
      'event.name': LOG_EVENT,
      'ros.node': e.source,
      'ros.logger': e.logger,
      ...(e.file ? { 'code.file.path': e.file } : {}),
      ...(e.line ? { 'code.line.number': e.line } : {}),
      ...(e.function ? { 'code.function.name': e.function } : {}),
    },
  };
}

/** `medkit.fault.confirmed`, `.updated`, `.healed` (a `fault_cleared` whose status is HEALED) or `.cleared`. */
export function faultEventName(e: PluginFaultEvent): string {
  if (e.event_type === 'fault_confirmed') return 'medkit.fault.confirmed';
  if (e.event_type === 'fault_updated') return 'medkit.fault.updated';
  return e.fault.status === 'HEALED' ? 'medkit.fault.healed' : 'medkit.fault.cleared';
}

/** One fault event; `publicUrl` (may be empty) prefixes the path of the fault's detail. */
export function faultRecordOf(e: PluginFaultEvent, publicUrl: string): LogRecord {
  const name = faultEventName(e);
  const f = e.fault;
  const raised = e.event_type !== 'fault_cleared';
  const [number, text] = raised ? (FAULT_SEVERITY[f.severity] ?? FAULT_SEVERITY[2]) : FAULT_SEVERITY[0];
  const what = name.slice('medkit.fault.'.length);
  return {
    eventName: name,
    timestamp: millis(e.timestamp),
    severityNumber: number,
    severityText: text,
    body: `fault ${f.fault_code} ${what}${f.description ? `: ${f.description}` : ''}`,
    attributes: {
      'event.name': name,
      'medkit.fault.code': f.fault_code,
      'medkit.fault.severity': f.severity_label,
      'medkit.fault.status': f.status,
      'medkit.fault.occurrence_count': f.occurrence_count,
      'medkit.fault.reporting_sources': f.reporting_sources,
      'medkit.fault.url': `${publicUrl}${e.path}`,
      ...(f.first_occurred ? { 'medkit.fault.first_occurred': f.first_occurred } : {}),
      ...(e.entity ? { 'medkit.entity.type': e.entity.type, 'medkit.entity.id': e.entity.id } : {}),
      ...(e.auto_cleared_codes ? { 'medkit.fault.auto_cleared_codes': e.auto_cleared_codes } : {}),
    },
  };
}

/** A cheap upper bound of a record's encoded size, for the byte bound of the queue. */
export function estimateBytes(body: unknown, attributes: Record<string, unknown> | undefined): number {
  let n = 64 + (typeof body === 'string' ? body.length : 16);
  for (const [k, v] of Object.entries(attributes ?? {})) {
    n += k.length + 8;
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const x of v) n += String(x).length + 4;
    else n += 8;
  }
  return n;
}

// Fault and log severities: one scale, a text label always shown next to the colour.

/** Fault severity levels (docs/faults.md): 0 INFO, 1 WARN, 2 ERROR, 3 CRITICAL; -1 unknown. */
type FaultLevel = -1 | 0 | 1 | 2 | 3;

export interface Severity {
  level: FaultLevel;
  /** Display label, always shown as text (colour is never the only cue). */
  label: 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL' | 'UNKNOWN';
  /** CSS modifier: sev-info, sev-warning, sev-error, sev-critical, sev-unknown. */
  css: string;
}

const BY_LEVEL: Record<number, Severity> = {
  0: { level: 0, label: 'INFO', css: 'sev-info' },
  1: { level: 1, label: 'WARNING', css: 'sev-warning' },
  2: { level: 2, label: 'ERROR', css: 'sev-error' },
  3: { level: 3, label: 'CRITICAL', css: 'sev-critical' },
};
const UNKNOWN: Severity = { level: -1, label: 'UNKNOWN', css: 'sev-unknown' };

const LABELS: Record<string, FaultLevel> = { info: 0, warn: 1, warning: 1, error: 2, critical: 3, fatal: 3 };

/** Severity from the integer and/or the label of a fault item; the integer wins when valid. */
export function faultSeverity(level: unknown, label?: unknown): Severity {
  if (typeof level === 'number' && BY_LEVEL[level]) return BY_LEVEL[level];
  if (typeof level === 'string' && LABELS[level.toLowerCase()] !== undefined) return BY_LEVEL[LABELS[level.toLowerCase()]];
  if (typeof label === 'string' && LABELS[label.toLowerCase()] !== undefined) return BY_LEVEL[LABELS[label.toLowerCase()]];
  return UNKNOWN;
}

/** Every known fault severity, lowest first (for filters and legends). */
export const FAULT_SEVERITIES: Severity[] = [0, 1, 2, 3].map((l) => BY_LEVEL[l]);

/** Log severities (docs/resources.md), lowest first, with their ROS levels. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const ROS_LEVEL: Record<number, LogLevel> = { 10: 'debug', 20: 'info', 30: 'warning', 40: 'error', 50: 'fatal' };

/** A log level from `severity` (lower case), `level` (upper case or ROS number), or undefined. */
export function logLevel(severity: unknown, level?: unknown): LogLevel | undefined {
  for (const v of [severity, level]) {
    if (typeof v === 'string') {
      const s = v.toLowerCase() === 'warn' ? 'warning' : v.toLowerCase();
      if ((LOG_LEVELS as readonly string[]).includes(s)) return s as LogLevel;
    }
    if (typeof v === 'number' && ROS_LEVEL[v]) return ROS_LEVEL[v];
  }
  return undefined;
}

/** True when `level` is at least `min`. */
export function logAtLeast(level: LogLevel | undefined, min: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level ?? 'debug') >= LOG_LEVELS.indexOf(min);
}

// The fleet fault view's model: the fleet's GET /x-medkit-fault-codes answer (fault codes across robots with the
// robots affected, first and last seen, and reports per hour) as views, and what a count trend says in words.
import { faultSeverity, type Severity } from '../model/severity';
import { isObj, items, num, obj, str, toEpochMs, xm } from '../model/json';

export interface FaultCodeView {
  code: string;
  title: string;
  /** The worst severity the code has on any robot. */
  severity: Severity;
  /** Robots holding the code (any status). */
  robots: number;
  /** Robots with it pending or confirmed now. */
  activeRobots: number;
  occurrences: number;
  firstMs?: number;
  lastMs?: number;
  /** Reports per hour, oldest first; the last entry is the current hour. */
  trend: number[];
}

export interface FaultCodeList {
  items: FaultCodeView[];
  /** Codes the fleet holds under the query (the list holds at most the page). */
  total: number;
  /** Start of the trend's first bucket and the bucket length. */
  windowStartMs?: number;
  bucketMs: number;
  /** False when the fleet read only part of the window's reports. */
  complete: boolean;
}

export function faultCodeList(body: unknown): FaultCodeList {
  const x = xm(body);
  const window = obj(x.window);
  const list = items(body).filter(isObj).map((i): FaultCodeView => {
    const m = xm(i);
    const code = str(i.code) ?? '?';
    return {
      code,
      title: str(i.fault_name) || code,
      severity: faultSeverity(i.severity, i.severity_label),
      robots: num(m.robots) ?? 0,
      activeRobots: num(m.active_robots) ?? 0,
      occurrences: num(m.occurrences) ?? 0,
      firstMs: toEpochMs(m.first_seen),
      lastMs: toEpochMs(m.last_seen),
      trend: Array.isArray(m.trend) ? m.trend.map((v) => (typeof v === 'number' && v >= 0 ? v : 0)) : [],
    };
  });
  return { items: list, total: num(x.total) ?? list.length, windowStartMs: toEpochMs(window.start), bucketMs: (num(window.bucket_sec) ?? 3600) * 1000, complete: x.trend_complete !== false };
}

/** What a trend says: reports in all, in the newest bucket, and whether the newer quarter of the window has more or fewer than the quarter before it. */
export function trendSummary(trend: number[]): { total: number; last: number; direction: 'rising' | 'falling' | 'steady' } {
  const total = trend.reduce((a, b) => a + b, 0);
  const q = Math.max(1, Math.floor(trend.length / 4));
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const recent = sum(trend.slice(-q));
  const before = sum(trend.slice(-2 * q, -q));
  return { total, last: trend[trend.length - 1] ?? 0, direction: recent > before ? 'rising' : recent < before ? 'falling' : 'steady' };
}

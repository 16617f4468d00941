// Fault codes across the fleet (GET /x-medkit-fault-codes, docs/fleet.md): per code, how many robots hold it (and
// how many have it active), first and last seen, and its count per hour over a window, from the stored fault
// events. The cost is bounded: the summary is one grouped scan of the state table (robots × codes), the trend reads
// only the window's fault events through an index on their time, at most MAX_TREND_EVENTS of them, for the codes
// of the page only.
import type { Pool } from 'pg';
import type { FleetFaultCode } from '@medkit/fleet-protocol/rest';
import { faultWhere, type FaultFilter } from './queries.js';

/** Most fault events one trend reads; past it the trend covers the newest ones and says it is incomplete. */
export const MAX_TREND_EVENTS = 200_000;
const HOUR_MS = 3_600_000;

/** One code as the query finds it: its name and worst severity, and the figures REST sends as they are (`x-medkit`). */
export type FaultCodeRow = FleetFaultCode['x-medkit'] & {
  fault_code: string;
  /** The description of the newest fault with this code. */
  description: string;
  worst_severity: number;
};

export interface FaultCodePage {
  items: FaultCodeRow[];
  /** Codes under the filter (the page holds at most `limit` of them). */
  total: number;
  window: { start: string; end: string; bucket_sec: number };
  /** False when the window held MAX_TREND_EVENTS or more reports of the page's codes: the oldest are not counted. */
  trend_complete: boolean;
}

/** The window of `hours` whole hours that ends with the current hour. */
export function trendWindow(hours: number, now = Date.now()): { start: number; end: number } {
  const end = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  return { start: end - hours * HOUR_MS, end };
}

export async function faultCodes(pool: Pool, f: FaultFilter, hours: number, limit: number, now = Date.now()): Promise<FaultCodePage> {
  const { where, params, p } = faultWhere(f);
  const summary = await pool.query(
    `SELECT fault_code, count(*)::int AS robots, count(*) FILTER (WHERE status IN ('PREFAILED', 'CONFIRMED'))::int AS active_robots,
       sum(occurrence_count)::bigint AS occurrences, max(severity)::int AS worst_severity, min(first_occurred) AS first_seen,
       max(last_occurred) AS last_seen, (array_agg(description ORDER BY last_occurred DESC))[1] AS description, count(*) OVER ()::int AS total
     FROM fleet_faults ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     GROUP BY fault_code ORDER BY active_robots DESC, last_seen DESC, fault_code LIMIT ${p(limit)}`,
    params,
  );
  const { start, end } = trendWindow(hours, now);
  const codes = summary.rows.map((r) => r.fault_code as string);
  const trends = new Map(codes.map((c) => [c, new Array<number>(hours).fill(0)]));
  let complete = true;
  if (codes.length > 0) {
    // A report is a fault event that is not a clear; status-only updates repeat the report's last_occurred, so each
    // (robot, last_occurred) counts once.
    const res = await pool.query(
      `WITH ev AS (SELECT robot_id, robot_time, body->>'fault_code' AS code, body->>'last_occurred' AS lo FROM fleet_events
         WHERE kind = 'faults' AND robot_time >= $1 AND robot_time < $2 AND body->>'fault_code' = ANY($3::text[])
           AND body->>'event_type' <> 'fault_cleared' ${f.robots?.length ? 'AND robot_id = ANY($5::text[])' : ''}
         ORDER BY robot_time DESC LIMIT $4)
       SELECT code, floor(extract(epoch FROM robot_time - $1::timestamptz) / 3600)::int AS b, count(DISTINCT (robot_id, lo))::int AS n,
         (SELECT count(*) FROM ev)::int AS scanned
       FROM ev GROUP BY code, b`,
      [new Date(start).toISOString(), new Date(end).toISOString(), codes, MAX_TREND_EVENTS, ...(f.robots?.length ? [f.robots] : [])],
    );
    for (const r of res.rows) {
      const t = trends.get(r.code as string);
      if (t && r.b >= 0 && r.b < hours) t[r.b] += r.n as number;
      if ((r.scanned as number) >= MAX_TREND_EVENTS) complete = false;
    }
  }
  return {
    items: summary.rows.map((r) => ({
      fault_code: r.fault_code,
      description: r.description,
      worst_severity: r.worst_severity,
      robots: r.robots,
      active_robots: r.active_robots,
      occurrences: Number(r.occurrences),
      first_seen: (r.first_seen as Date).toISOString(),
      last_seen: (r.last_seen as Date).toISOString(),
      trend: trends.get(r.fault_code)!,
    })),
    total: summary.rows[0]?.total ?? 0,
    window: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), bucket_sec: 3600 },
    trend_complete: complete,
  };
}

// Read side of the fleet store: robots with liveness, their entity trees, and the cross-fleet fault query with
// filters and keyset paging (docs/fleet.md). Every query has a statement deadline (set on the pool).
import type { Pool } from 'pg';
import { FAULT_STATUSES, type FaultStatus } from '@medkit/faults';
import type { EntityNode, FaultEventBody, HealthBody, LogsBody } from '@medkit/fleet-protocol';

export interface RobotRow {
  robot_id: string;
  online: boolean;
  first_seen: string;
  last_seen: string;
  gateway_url: string | null;
  health: HealthBody | null;
  /** Faults of the robot the fleet holds as pending or confirmed, and the worst severity among them. */
  active_faults: number;
  worst_severity: number | null;
  /** The robot's newest fault the fleet holds, in any status (its last incident); null when it never had one. */
  last_fault: { fault_code: string; severity: number; status: string; last_occurred: string } | null;
}

/** Liveness: online while its events reach the stream (last_seen: the newest one's JetStream store time, see ingest-writer); offline after 3 missed intervals. */
const ROBOT_COLUMNS = `robot_id, first_seen, last_seen, gateway_url, health,
  (now() - last_seen) < make_interval(secs => 3 * interval_sec) AS online,
  COALESCE(active.n, 0)::int AS active_faults, active.worst AS worst_severity,
  newest.fault_code AS last_code, newest.severity AS last_severity, newest.status AS last_status, newest.last_occurred AS last_occurred`;
/**
 * Robots with their active fault counts (one grouped scan of the state table, not one query per robot) and their
 * newest fault (one index lookup each, fleet_faults_robot_last): the list's counts and last incident come from
 * the same answer, so they never disagree.
 */
const ROBOTS_FROM = `fleet_robots LEFT JOIN (SELECT robot_id, count(*) AS n, max(severity) AS worst FROM fleet_faults
  WHERE status IN ('PREFAILED', 'CONFIRMED') GROUP BY robot_id) active USING (robot_id)
  LEFT JOIN LATERAL (SELECT fault_code, severity, status, last_occurred FROM fleet_faults f WHERE f.robot_id = fleet_robots.robot_id
    ORDER BY last_occurred DESC, fault_code DESC LIMIT 1) newest ON true`;

function robotOf(r: Record<string, unknown>): RobotRow {
  return {
    robot_id: r.robot_id as string,
    online: r.online as boolean,
    first_seen: (r.first_seen as Date).toISOString(),
    last_seen: (r.last_seen as Date).toISOString(),
    gateway_url: (r.gateway_url as string | null) ?? null,
    health: (r.health as HealthBody | null) ?? null,
    active_faults: r.active_faults as number,
    worst_severity: (r.worst_severity as number | null) ?? null,
    last_fault: r.last_code ? { fault_code: r.last_code as string, severity: r.last_severity as number, status: r.last_status as string, last_occurred: (r.last_occurred as Date).toISOString() } : null,
  };
}

/** Robots by what the fleet knows of them (/health, /metrics). */
export interface RobotCounts {
  online: number;
  offline: number;
  /** Online when the fleet stopped hearing robots and not heard from since: they may be running or not. */
  unknown: number;
}

/**
 * Counts robots by the liveness rule above. With `unheardSince` (the fleet cannot hear robots through JetStream since
 * then, e.g. it lost its quorum), a robot is online only when heard from since (by the fast path), and one that was
 * online then and has not been heard from since is unknown, not online or offline: its events may be waiting in its
 * outbox. Robots already offline then stay offline.
 */
export async function robotCounts(pool: Pool, unheardSince?: Date): Promise<RobotCounts> {
  const r = await pool.query<{ online: string; offline: string; unknown: string }>(`WITH r AS (SELECT
      (now() - last_seen) < make_interval(secs => 3 * interval_sec) AS fresh,
      $1::timestamptz IS NOT NULL AND last_seen < $1::timestamptz AND ($1::timestamptz - last_seen) < make_interval(secs => 3 * interval_sec) AS unheard,
      $1::timestamptz IS NULL OR last_seen >= $1::timestamptz AS heard
    FROM fleet_robots)
    SELECT count(*) FILTER (WHERE fresh AND heard) AS online, count(*) FILTER (WHERE unheard) AS unknown,
      count(*) FILTER (WHERE NOT (fresh AND heard) AND NOT unheard) AS offline FROM r`, [unheardSince ?? null]);
  return { online: Number(r.rows[0].online), offline: Number(r.rows[0].offline), unknown: Number(r.rows[0].unknown) };
}

export async function listRobots(pool: Pool): Promise<RobotRow[]> {
  const res = await pool.query(`SELECT ${ROBOT_COLUMNS} FROM ${ROBOTS_FROM} ORDER BY robot_id`);
  return res.rows.map(robotOf);
}

export async function getRobot(pool: Pool, robotId: string): Promise<RobotRow | undefined> {
  const res = await pool.query(`SELECT ${ROBOT_COLUMNS} FROM ${ROBOTS_FROM} WHERE robot_id = $1`, [robotId]);
  return res.rows[0] ? robotOf(res.rows[0]) : undefined;
}

export async function robotEntities(pool: Pool, robotId: string): Promise<EntityNode[]> {
  const res = await pool.query('SELECT entities FROM fleet_entities WHERE robot_id = $1', [robotId]);
  return (res.rows[0]?.entities as EntityNode[] | undefined) ?? [];
}

export interface FaultFilter {
  robots?: string[];
  /** Glob: `*` any run, `?` one character. */
  codeGlob?: string;
  code?: string;
  minSeverity?: number;
  statuses: FaultStatus[];
  since?: Date;
  until?: Date;
}

export interface FaultRow extends Omit<FaultEventBody, 'event_type'> {
  robot_id: string;
}

interface FaultPage {
  items: FaultRow[];
  total: number;
  next_cursor?: string;
}

/** Glob to a LIKE pattern with `\` as the escape character. */
function globToLike(glob: string): string {
  return glob.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

interface Cursor {
  lo: string;
  r: string;
  c: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.lo, c.r, c.c])).toString('base64url');
}

/** Undefined when the cursor is not one we issued (the route answers 400). */
export function decodeCursor(s: string): Cursor | undefined {
  if (s.length > 512) return undefined;
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string') || Number.isNaN(Date.parse(v[0]))) return undefined;
    return { lo: v[0], r: v[1], c: v[2] };
  } catch {
    return undefined;
  }
}

/** The WHERE terms of a filter on fleet_faults, their parameters, and `p` to add one more parameter. */
export function faultWhere(f: FaultFilter): { where: string[]; params: unknown[]; p: (v: unknown) => string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.robots?.length) where.push(`robot_id = ANY(${p(f.robots)}::text[])`);
  if (f.code !== undefined) where.push(`fault_code = ${p(f.code)}`);
  if (f.codeGlob !== undefined) where.push(`fault_code LIKE ${p(globToLike(f.codeGlob))} ESCAPE '\\'`);
  if (f.minSeverity !== undefined) where.push(`severity >= ${p(f.minSeverity)}`);
  if (f.statuses.length < FAULT_STATUSES.length) where.push(`status = ANY(${p(f.statuses)}::text[])`);
  if (f.since) where.push(`last_occurred >= ${p(f.since.toISOString())}::timestamptz`);
  if (f.until) where.push(`last_occurred < ${p(f.until.toISOString())}::timestamptz`);
  return { where, params, p };
}

/** Newest first (last_occurred, then robot and code as tie-breakers), `limit` per page. */
export async function queryFaults(pool: Pool, f: FaultFilter, limit: number, cursor?: Cursor): Promise<FaultPage> {
  const { where, params, p } = faultWhere(f);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = Number((await pool.query(`SELECT count(*) AS n FROM fleet_faults ${filter}`, params)).rows[0].n);
  const pageWhere = [...where];
  if (cursor) pageWhere.push(`(last_occurred, robot_id, fault_code) < (${p(cursor.lo)}::timestamptz, ${p(cursor.r)}, ${p(cursor.c)})`);
  const res = await pool.query(
    `SELECT robot_id, fault_code, severity, status, description, occurrence_count, reporting_sources, first_occurred, last_occurred, acknowledgement, last_occurred::text AS lo
     FROM fleet_faults ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
     ORDER BY last_occurred DESC, robot_id DESC, fault_code DESC LIMIT ${p(limit + 1)}`,
    params,
  );
  const rows = res.rows.slice(0, limit);
  const items = rows.map((r): FaultRow => ({
    robot_id: r.robot_id,
    fault_code: r.fault_code,
    severity: r.severity,
    status: r.status,
    description: r.description,
    occurrence_count: Number(r.occurrence_count),
    reporting_sources: r.reporting_sources,
    first_occurred: (r.first_occurred as Date).toISOString(),
    last_occurred: (r.last_occurred as Date).toISOString(),
    ...(r.acknowledgement ? { acknowledgement: r.acknowledgement } : {}),
  }));
  const last = rows[rows.length - 1];
  return { items, total, next_cursor: res.rows.length > limit && last ? encodeCursor({ lo: last.lo, r: last.robot_id, c: last.fault_code }) : undefined };
}

export interface LogRow {
  event_id: string;
  seq: number;
  body: LogsBody;
}

/** One robot's newest `logs` events (newest first), at most `limit`, optionally only those with seq < `before`. */
export async function robotLogs(pool: Pool, robotId: string, limit: number, before?: number): Promise<LogRow[]> {
  const res = await pool.query(
    `SELECT event_id, seq, body FROM fleet_events WHERE robot_id = $1 AND kind = 'logs' AND ($3::bigint IS NULL OR seq < $3) ORDER BY seq DESC LIMIT $2`,
    [robotId, limit, before ?? null],
  );
  return res.rows.map((r) => ({ event_id: r.event_id, seq: Number(r.seq), body: r.body as LogsBody }));
}

// The fleet console's models: robots as the fleet lists them, fleet faults as FaultViews with their robot,
// the timeline's filters (the fleet API's GET /faults parameters, kept in the URL hash so a view can be
// shared), matching a live event against those filters, and merging it into the loaded rows.
import type { FleetFault, FleetFaultEvent, FleetFaultQuery, FleetRobot } from '@medkit/client';
import { faultKey, matchesStatus, type FaultView, type StatusFilter } from '../model/faults';
import { faultSeverity, type Severity } from '../model/severity';
import { toEpochMs } from '../model/json';
import { dec } from '../model/route';

export interface RobotView {
  id: string;
  online: boolean;
  lastSeenMs?: number;
  /** The robot's own /health status from its last heartbeat. */
  health?: 'healthy' | 'degraded';
  /** Codes of the robot's own /health warnings. */
  healthWarnings: string[];
  activeFaults: number;
  worstSeverity?: number;
  gatewayUrl?: string;
  outboxPending?: number;
  outboxDropped?: number;
  /** The robot's newest fault the fleet holds, in any status (its last incident). */
  lastFault?: { code: string; severity: Severity; status: string; lastMs?: number };
}

function lastFaultOf(v: unknown): RobotView['lastFault'] {
  const f = v as { fault_code?: unknown; severity?: unknown; status?: unknown; last_occurred?: unknown } | null | undefined;
  if (!f || typeof f.fault_code !== 'string') return undefined;
  return { code: f.fault_code, severity: faultSeverity(f.severity), status: typeof f.status === 'string' ? f.status : 'UNKNOWN', lastMs: toEpochMs(f.last_occurred) };
}

/** /health warning codes that state a configuration, not a fault (a robot run with `ros.enabled: false`). */
const INFORMATIONAL_WARNINGS: Record<string, { text: string; title: string }> = { ros_disabled: { text: 'ROS off', title: "ros.enabled: false on this robot's gateway" } };

/** How a robot's health reads, wherever the console shows it (the robots list and the robot's page). */
export interface RobotHealthLabel {
  /** The robot's /health status; undefined before its first health event. */
  status?: 'healthy' | 'degraded';
  /** Its warnings that are not notes, by code. */
  warnings: string[];
  /** Notes of configuration (`ROS off`), with what they mean. */
  notes: { code: string; text: string; title: string }[];
  /** The whole label as one line: `healthy · ROS off`, `degraded · fleet_broker_unreachable`, `—`. */
  text: string;
}

/**
 * The one reading of a robot's health body (its last health event: status and warning codes). The status is the
 * robot's own, except that robots before issue 56 sent `degraded` for any warning: degraded for configuration
 * notes alone (ros_disabled) reads healthy, as the robot's own /health says.
 */
export function robotHealthLabel(r: Pick<RobotView, 'health' | 'healthWarnings'>): RobotHealthLabel {
  const warnings = r.healthWarnings.filter((w) => !INFORMATIONAL_WARNINGS[w]);
  const notes = r.healthWarnings.filter((w) => INFORMATIONAL_WARNINGS[w]).map((code) => ({ code, ...INFORMATIONAL_WARNINGS[code] }));
  const status = r.health === 'degraded' && warnings.length === 0 && notes.length > 0 ? 'healthy' : r.health;
  const text = status ? [status, ...(warnings.length ? [warnings.join(', ')] : []), ...notes.map((n) => n.text)].join(' · ') : '—';
  return { status, warnings, notes, text };
}

export function robotView(r: FleetRobot): RobotView {
  const x = r['x-medkit'];
  return {
    id: r.id,
    online: x.online === true,
    lastSeenMs: toEpochMs(x.last_seen),
    health: x.status ?? undefined,
    healthWarnings: Array.isArray(x.warnings) ? x.warnings.filter((w): w is string => typeof w === 'string') : [],
    activeFaults: typeof x.active_faults === 'number' ? x.active_faults : 0,
    worstSeverity: x.worst_severity ?? undefined,
    gatewayUrl: x.gateway_url ?? undefined,
    outboxPending: x.outbox?.pending,
    outboxDropped: x.outbox?.dropped,
    lastFault: lastFaultOf(x.last_fault),
  };
}

/** A fault of the fleet: the dashboard's FaultView plus the robot that holds it. */
export interface FleetFaultView extends FaultView {
  robotId: string;
}

/** What a fleet fault list item and a fleet fault event both say about one fault. */
interface FaultFacts {
  title: string;
  severity: Severity;
  status: string | undefined;
  sources: string[] | undefined;
  first: string;
  last: string;
  count: number;
}

function view(robotId: string, code: string, f: FaultFacts): FleetFaultView {
  return {
    key: faultKey(code, robotId),
    robotId,
    code,
    title: f.title || code,
    description: f.title || undefined,
    severity: f.severity,
    rawStatus: (f.status || 'UNKNOWN').toUpperCase(),
    entityId: robotId,
    reportingSources: f.sources ?? [],
    firstMs: toEpochMs(f.first),
    lastMs: toEpochMs(f.last),
    occurrences: f.count,
  };
}

export function fleetFaultView(f: FleetFault): FleetFaultView {
  const x = f['x-medkit'];
  return view(x.robot_id, f.code, { title: f.fault_name, severity: faultSeverity(f.severity, f.severity_label), status: x.status, sources: x.reporting_sources, first: x.first_occurred, last: x.last_occurred, count: x.occurrence_count });
}

export function fleetEventView(ev: FleetFaultEvent): FleetFaultView {
  const f = ev.fault;
  return view(ev.robot_id, f.fault_code, { title: f.description, severity: faultSeverity(f.severity), status: f.status, sources: f.reporting_sources, first: f.first_occurred, last: f.last_occurred, count: f.occurrence_count });
}

/** The timeline's filters as the person sets them (empty string = not set). */
export interface TimelineFilter {
  robots: string[];
  code: string;
  /** '' or info|warning|error|critical. */
  severity: string;
  status: StatusFilter;
  /** datetime-local values (local time) or ''. */
  since: string;
  until: string;
}

export const EMPTY_FILTER: TimelineFilter = { robots: [], code: '', severity: '', status: 'active', since: '', until: '' };

const SEVERITY_LEVEL: Record<string, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** A datetime-local value as ISO 8601 (UTC); '' stays unset, a value the browser cannot read too. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The fleet API query of a filter (status `active` is the API's default, so it is not sent). */
export function timelineQuery(f: TimelineFilter, cursor?: string): FleetFaultQuery {
  return {
    robot: f.robots,
    fault_code: f.code.trim() || undefined,
    severity: f.severity || undefined,
    status: f.status === 'active' ? undefined : f.status,
    since: isoOf(f.since),
    until: isoOf(f.until),
    limit: PAGE_SIZE,
    cursor,
  };
}

/** Rows fetched per page. */
const PAGE_SIZE = 50;
/** Most rows the timeline holds (pages loaded plus live arrivals); the oldest go first past it. */
export const MAX_ROWS = 2000;

/** The fleet's glob (`*`, `?`) as a whole-string regular expression. */
export function globRegExp(glob: string): RegExp {
  // A run of stars means one star; as many `.*` in a row would backtrack polynomially on a long code.
  const body = glob.replace(/\*+/g, '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The last filter glob compiled: every live event is matched against the same one. */
let lastGlob: { glob: string; re: RegExp } | undefined;
function codeMatcher(glob: string): RegExp {
  if (lastGlob?.glob !== glob) lastGlob = { glob, re: globRegExp(glob) };
  return lastGlob.re;
}

/** True when a fault (from a live event) passes the filter the way the fleet's GET /faults would. */
export function matchesTimeline(f: FleetFaultView, filter: TimelineFilter): boolean {
  if (filter.robots.length > 0 && !filter.robots.includes(f.robotId)) return false;
  const code = filter.code.trim();
  if (code && !codeMatcher(code).test(f.code)) return false;
  if (filter.severity && f.severity.level < SEVERITY_LEVEL[filter.severity]) return false;
  if (!matchesStatus(f.rawStatus, filter.status)) return false;
  const since = isoOf(filter.since);
  const until = isoOf(filter.until);
  if (since && (f.lastMs === undefined || f.lastMs < Date.parse(since))) return false;
  if (until && (f.lastMs === undefined || f.lastMs > Date.parse(until))) return false;
  return true;
}

/** Newest last occurrence first, as the fleet pages them. */
function byLastDesc(a: FleetFaultView, b: FleetFaultView): number {
  return (b.lastMs ?? 0) - (a.lastMs ?? 0) || a.key.localeCompare(b.key);
}

/** True when the fault can never match the filter, whatever its state: another robot, a code outside the glob. */
function neverMatches(f: FleetFaultView, filter: TimelineFilter): boolean {
  const code = filter.code.trim();
  return (filter.robots.length > 0 && !filter.robots.includes(f.robotId)) || (code !== '' && !codeMatcher(code).test(f.code));
}

/**
 * Applies one live fault to the loaded rows: replaces the robot's row of that code, adds it when it now
 * matches, drops it when it no longer does. Returns the rows and how the match count changed. The fleet's total
 * counts faults of pages not loaded yet, so a fault that is not among the rows while more pages exist may already
 * be in it: then `delta` is undefined (unknown), and the caller asks the fleet for the count again. `complete`:
 * every page of the list is loaded.
 */
export function applyLive(rows: FleetFaultView[], f: FleetFaultView, filter: TimelineFilter, complete = true): { rows: FleetFaultView[]; delta: number | undefined } {
  const had = rows.some((r) => r.key === f.key);
  const rest = rows.filter((r) => r.key !== f.key);
  if (!matchesTimeline(f, filter)) {
    if (had) return { rows: rest, delta: -1 };
    // Not loaded: it left the filter only if it was in an unloaded page.
    return { rows, delta: complete || neverMatches(f, filter) ? 0 : undefined };
  }
  const next = [f, ...rest].sort(byLastDesc);
  return { rows: next.slice(0, MAX_ROWS), delta: had ? 0 : complete ? 1 : undefined };
}

/**
 * Merges the faults seen live since the page opened into a freshly loaded list. The live feed runs ahead of the
 * fleet's store (an event is streamed before PostgreSQL has it), so a list loaded just after an event can miss it
 * or hold its previous state; where the live copy is newer it wins. `unsure`: a fault merged in may or may not be
 * in the fleet's total already (it was not on the loaded page, and more pages exist), so the count needs asking.
 */
export function mergeLive(rows: FleetFaultView[], total: number, live: Iterable<FleetFaultView>, filter: TimelineFilter, complete = true): { rows: FleetFaultView[]; total: number; unsure: boolean } {
  let out = rows;
  let t = total;
  let unsure = false;
  for (const f of live) {
    const have = out.find((r) => r.key === f.key);
    if (have && (have.lastMs ?? 0) >= (f.lastMs ?? 0) && have.rawStatus === f.rawStatus && have.occurrences === f.occurrences) continue;
    const r = applyLive(out, f, filter, complete);
    out = r.rows;
    if (r.delta === undefined) unsure = true;
    else t += r.delta;
  }
  return { rows: out, total: Math.max(0, t), unsure };
}

/** Hash route of the console. */
type FleetRoute =
  | { view: 'robots' }
  | { view: 'faults'; filter: TimelineFilter }
  | { view: 'robot'; robot: string; entity?: string }
  | { view: 'fault'; robot: string; code: string }
  | { view: 'codes' }
  | { view: 'code'; code: string };

const STATUSES: StatusFilter[] = ['active', 'pending', 'confirmed', 'cleared', 'healed', 'all'];

export function parseFleetRoute(hash: string): FleetRoute {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(dec);
  if (parts[0] === 'faults') {
    const q = new URLSearchParams(query);
    const status = q.get('status') as StatusFilter | null;
    return {
      view: 'faults',
      filter: {
        robots: (q.get('robot') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        code: q.get('fault_code') ?? '',
        severity: SEVERITY_LEVEL[q.get('severity') ?? ''] !== undefined ? q.get('severity')! : '',
        status: status && STATUSES.includes(status) ? status : 'active',
        since: q.get('since') ?? '',
        until: q.get('until') ?? '',
      },
    };
  }
  if (parts[0] === 'codes') return parts[1] ? { view: 'code', code: parts[1] } : { view: 'codes' };
  if (parts[0] === 'robot' && parts[1] && parts[2] === 'fault' && parts[3]) return { view: 'fault', robot: parts[1], code: parts[3] };
  if (parts[0] === 'robot' && parts[1]) return { view: 'robot', robot: parts[1], entity: parts[2] === 'entity' ? parts[3] : undefined };
  return { view: 'robots' };
}

export function fleetRouteHash(r: FleetRoute): string {
  const enc = encodeURIComponent;
  switch (r.view) {
    case 'robots':
      return '#/';
    case 'faults': {
      const q = new URLSearchParams();
      const f = r.filter;
      if (f.robots.length) q.set('robot', f.robots.join(','));
      if (f.code) q.set('fault_code', f.code);
      if (f.severity) q.set('severity', f.severity);
      if (f.status !== 'active') q.set('status', f.status);
      if (f.since) q.set('since', f.since);
      if (f.until) q.set('until', f.until);
      const s = q.toString();
      return `#/faults${s ? `?${s}` : ''}`;
    }
    case 'robot':
      return `#/robot/${enc(r.robot)}${r.entity ? `/entity/${enc(r.entity)}` : ''}`;
    case 'fault':
      return `#/robot/${enc(r.robot)}/fault/${enc(r.code)}`;
    case 'codes':
      return '#/codes';
    case 'code':
      return `#/codes/${enc(r.code)}`;
  }
}

/** "12 s ago", "3 min ago", … for a last-seen time; '—' when unknown. */
export function ago(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

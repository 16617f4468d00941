// The fleet's SOVD API (docs/fleet.md). Only translation: query strings to filters, rows to SOVD-shaped
// bodies, database trouble to 503, robot trouble to 502/504. Each robot is a component; its own tree comes
// from its last entity snapshot with ids prefixed `<robot>__`.
import type { OutboundAgent } from '@medkit/kit';
import { Type } from '@sinclair/typebox';
// The route schema fields the gateway's OpenAPI document reads (operationId, tags, …) are @fastify/swagger's.
import type {} from '@fastify/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { type HttpApp, type SseHub, forwardRequest, escapesPath, isReadMethod, type RoleResolver } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { parseSeverityFilter, restSeverityLabel, sovdStatus, statusesForFilter, STATUS_FILTER_VALUES } from '@medkit/faults';
import { API_BASE } from '@medkit/sovd';
import { type Role, type RouteAccess } from '@medkit/kit';
import { isFleetId, type EntityNode } from '@medkit/fleet-protocol';
import type { FleetFault, FleetFaultCodePage, FleetFaultPage, FleetRobot, FleetRobotDetail, FleetRobotEntity } from '@medkit/fleet-protocol/rest';
import { faultCodes, type FaultCodePage } from './fault-codes.js';
import { decodeCursor, getRobot, listRobots, queryFaults, robotEntities, robotLogs, type FaultFilter, type FaultRow, type LogRow, type RobotRow } from './queries.js';
import { attachFleetStream } from './http/attach.js';
import type { FleetLiveFeed } from './http/live.js';
import { rewriteFaultBody } from './http/robot-paths.js';

interface FleetRouteDeps {
  pool: () => Pool;
  feed: () => FleetLiveFeed | undefined;
  sse: SseHub;
  keepaliveMs: number;
  forwardTimeoutMs: number;
  /** TLS towards robot gateways (fleet.forward.ca_file, client certificate). */
  forwardAgent?: OutboundAgent;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
/** Resources of a robot's entities the fleet forwards to the robot's gateway (docs/fleet.md). */
const FORWARDED_RESOURCES = new Set(['data', 'operations', 'configurations', 'faults', 'bulk-data']);
/** Writes forwarded to a robot need the role the robot's own route needs (docs/security.md). */
const FORWARDED_WRITE_ROLES: Record<string, Role> = { data: 'operator', operations: 'operator', configurations: 'configurator', faults: 'operator', 'bulk-data': 'operator' };
/** Black-box recordings are larger than other answers: the buffered forward of bulk data may hold this much. */
const MAX_FORWARDED_BULK_BYTES = 64 * 1024 * 1024;

/** Minimum role of a request forwarded to a robot, from its path `/api/v1/components/{robot}/{collection}/{id}/{resource}/…`. */
export const fleetForwardRole: RoleResolver = Object.assign(
  (method: string, path: string): RouteAccess => (isReadMethod(method) ? 'viewer' : (FORWARDED_WRITE_ROLES[path.slice(API_BASE.length).split('/')[5]] ?? 'admin')),
  { describe: 'forwarded to a robot: viewer to read; writing data, operations, faults (clear) and bulk data operator, configurations configurator' },
);
function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

const ENTITY_COLLECTIONS: Record<string, EntityNode['type']> = { areas: 'area', components: 'component', apps: 'app', functions: 'function' };

/** PostgreSQL unreachable or failing: 503 with a SOVD error, never a 500. */
async function db<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SovdError) throw err;
    throw new SovdError('service-unavailable', `Fleet database unavailable: ${(err as Error).message}`, { details: 'postgresql' });
  }
}

function robotParam(id: string): string {
  if (!isFleetId(id)) throw new SovdError('invalid-parameter', `Invalid robot id '${id.slice(0, 80)}'`, { parameter: 'robot' });
  return id;
}

function robotItem(r: RobotRow): FleetRobot {
  return {
    id: r.robot_id,
    name: r.robot_id,
    href: `${API_BASE}/components/${r.robot_id}`,
    'x-medkit': { online: r.online, last_seen: r.last_seen, first_seen: r.first_seen, gateway_url: r.gateway_url, status: r.health?.status ?? null, warnings: r.health?.warnings ?? [], fault_count: r.health?.fault_count ?? null, active_faults: r.active_faults, worst_severity: r.worst_severity, outbox: r.health?.outbox ?? null, last_fault: r.last_fault },
  };
}

function faultItem(f: FaultRow): FleetFault {
  return {
    code: f.fault_code,
    fault_name: f.description,
    severity: f.severity,
    severity_label: restSeverityLabel(f.severity),
    status: sovdStatus(f.status),
    'x-medkit': {
      robot_id: f.robot_id, status: f.status, occurrence_count: f.occurrence_count, reporting_sources: f.reporting_sources, first_occurred: f.first_occurred, last_occurred: f.last_occurred,
      ...(f.acknowledgement ? { acknowledgement: { acknowledged_by: f.acknowledgement.by, acknowledged_at: f.acknowledgement.at, ...(f.acknowledgement.note ? { note: f.acknowledgement.note } : {}) } } : {}),
    },
  };
}

function one(q: Record<string, unknown>, key: string): string | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 256) throw new SovdError('invalid-parameter', `Parameter '${key}' must be one string of at most 256 characters`, { parameter: key });
  return v;
}

function time(q: Record<string, unknown>, key: string): Date | undefined {
  const v = one(q, key);
  if (v === undefined) return undefined;
  const d = new Date(v);
  // JavaScript dates reach ±271,821 years; PostgreSQL's timestamps do not (an out-of-range value would fail in
  // the database, not here): keep to years a fault can carry.
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 9999) throw new SovdError('invalid-parameter', `Parameter '${key}' must be an ISO 8601 time between 1970 and 9999`, { parameter: key, value: v });
  return d;
}

/** Query string → filter and page; every bad value is a 400 naming the parameter. */
function faultQuery(q: Record<string, unknown>, robot?: string) {
  const robots = robot ? [robot] : one(q, 'robot')?.split(',').map(robotParam);
  const status = one(q, 'status');
  const statuses = statusesForFilter(status);
  if (!statuses) throw new SovdError('invalid-parameter', `Invalid status '${status}'`, { parameter: 'status', allowed_values: STATUS_FILTER_VALUES.join(', ') });
  const sev = one(q, 'severity');
  const minSeverity = sev === undefined ? undefined : parseSeverityFilter(sev);
  if (minSeverity === null) throw new SovdError('invalid-parameter', `Invalid severity '${sev}'`, { parameter: 'severity', allowed_values: 'info, warning, error, critical, 0-3' });
  const limitText = one(q, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SovdError('invalid-parameter', `limit must be an integer 1..${MAX_LIMIT}`, { parameter: 'limit' });
  const cursorText = one(q, 'cursor');
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && !cursor) throw new SovdError('invalid-parameter', 'Invalid cursor', { parameter: 'cursor' });
  const filter: FaultFilter = { robots, codeGlob: one(q, 'fault_code'), minSeverity: minSeverity ?? undefined, statuses, since: time(q, 'since'), until: time(q, 'until') };
  return { filter, limit, cursor };
}

/** Bounds of GET /x-medkit-fault-codes (docs/fleet.md). */
const MAX_TREND_HOURS = 168;
const MAX_CODES = 500;

function intParam(q: Record<string, unknown>, key: string, dflt: number, max: number): number {
  const text = one(q, key);
  if (text === undefined) return dflt;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new SovdError('invalid-parameter', `${key} must be an integer 1..${max}`, { parameter: key, value: text.slice(0, 80) });
  return Number(text);
}

/** Query string of GET /x-medkit-fault-codes → filter, window and page size; every bad value is a 400 naming the parameter. */
function faultCodeQuery(q: Record<string, unknown>) {
  const status = one(q, 'status') ?? 'all';
  // `active` (pending and confirmed) is what /faults gives without a status; here the default is every status.
  const statuses = statusesForFilter(status === 'active' ? undefined : status);
  if (!statuses) throw new SovdError('invalid-parameter', `Invalid status '${status}'`, { parameter: 'status', allowed_values: ['active', ...STATUS_FILTER_VALUES].join(', ') });
  return {
    filter: { robots: one(q, 'robot')?.split(',').map(robotParam), codeGlob: one(q, 'fault_code'), statuses },
    hours: intParam(q, 'hours', 24, MAX_TREND_HOURS),
    limit: intParam(q, 'limit', 100, MAX_CODES),
  };
}

/** One page of stored faults as REST answers it (the fleet-wide list and one robot's). */
function faultPage(page: { items: FaultRow[]; total: number; next_cursor?: string | null }): FleetFaultPage {
  return { items: page.items.map(faultItem), 'x-medkit': { total: page.total, count: page.items.length, next_cursor: page.next_cursor ?? null } };
}

function faultCodesBody(page: FaultCodePage): FleetFaultCodePage {
  return {
    items: page.items.map((c) => ({
      code: c.fault_code,
      fault_name: c.description,
      severity: c.worst_severity,
      severity_label: restSeverityLabel(c.worst_severity),
      'x-medkit': { robots: c.robots, active_robots: c.active_robots, occurrences: c.occurrences, first_seen: c.first_seen, last_seen: c.last_seen, trend: c.trend },
    })),
    'x-medkit': { total: page.total, count: page.items.length, window: page.window, trend_complete: page.trend_complete },
  };
}

/** A robot's entities of one type, ids prefixed so they never collide across robots. */
function treeItems(robot: string, nodes: EntityNode[], type: EntityNode['type'], parent?: string): FleetRobotEntity[] {
  const collection = Object.keys(ENTITY_COLLECTIONS).find((k) => ENTITY_COLLECTIONS[k] === type)!;
  return nodes
    .filter((n) => n.type === type && (parent === undefined || n.parent === parent))
    .map((n) => ({ id: `${robot}__${n.id}`, name: n.name, href: `${API_BASE}/components/${robot}/${collection}/${robot}__${n.id}`, 'x-medkit': { robot_id: robot, robot_entity_id: n.id, parent: n.parent ?? null } }));
}

const TAGS = ['fleet'];

/** A robot's `logs` event as a SOVD log entry (docs/api.md logs shape), with the robot's event id and seq. */
function logItem(robot: string, l: LogRow) {
  const b = l.body;
  return {
    id: l.event_id,
    timestamp: b.time,
    severity: b.severity,
    message: b.message,
    context: { node: b.source, logger: b.logger },
    'x-medkit': { robot_id: robot, seq: l.seq, ...(b.truncated ? { truncated: true } : {}), ...(b.suppressed_before ? { suppressed_before: b.suppressed_before } : {}) },
  };
}

export function registerFleetRoutes(deps: FleetRouteDeps) {
  return (app: HttpApp): void => {
    const pool = () => deps.pool();
    const requireRobot = async (robot: string): Promise<RobotRow> => {
      const r = await db(() => getRobot(pool(), robotParam(robot)));
      if (!r) throw new SovdError('entity-not-found', `Robot '${robot}' is not known to the fleet`, { entity_id: robot });
      return r;
    };

    /** Sends one request to a robot's gateway; 502 when it is offline or unreachable, 504 past the deadline. */
    const toRobot = async (req: FastifyRequest, reply: FastifyReply, r: RobotRow, path: string, entityId: string, maxBytes?: number) => {
      if (!r.gateway_url) throw new SovdError('x-medkit-peer-unavailable', `Robot '${r.robot_id}' does not advertise a gateway URL`, { entity_id: entityId, peer: r.robot_id });
      if (!r.online) throw new SovdError('x-medkit-peer-unavailable', `Robot '${r.robot_id}' is offline (last seen ${r.last_seen})`, { entity_id: entityId, peer: r.robot_id });
      const out = await forwardRequest(req.raw, reply.raw, { peer: r.robot_id, baseUrl: r.gateway_url.replace(/\/+$/, ''), path }, { timeoutMs: deps.forwardTimeoutMs, forwardAuth: false, clientId: req.client.id, agent: deps.forwardAgent, maxBytes });
      if (out.kind === 'failed') {
        if (out.reason === 'timeout') throw new SovdError('not-responding', `Robot '${r.robot_id}' did not answer within ${deps.forwardTimeoutMs} ms`, { entity_id: entityId, peer: r.robot_id });
        throw new SovdError('x-medkit-peer-unavailable', `Robot '${r.robot_id}' is unreachable: ${out.detail}`, { entity_id: entityId, peer: r.robot_id, details: out.detail });
      }
      if (out.kind === 'stream') {
        out.abort();
        throw new SovdError('not-implemented', 'Event streams of a robot are not forwarded by the fleet');
      }
      return out;
    };

    app.get(`${API_BASE}/components`, { schema: { operationId: 'listFleetRobots', summary: 'Every robot of the fleet as a component (x-medkit.online from heartbeats)', tags: TAGS } }, async () => {
      const robots = await db(() => listRobots(pool()));
      return { items: robots.map(robotItem) };
    });

    app.get<{ Params: { robot: string } }>(`${API_BASE}/components/:robot`, { schema: { operationId: 'getFleetRobot', summary: 'One robot', tags: TAGS } }, async (req): Promise<FleetRobotDetail> => {
      const r = await requireRobot(req.params.robot);
      const base = `${API_BASE}/components/${r.robot_id}`;
      return { ...robotItem(r), subcomponents: `${base}/subcomponents`, hosts: `${base}/hosts`, faults: `${base}/faults`, logs: `${base}/logs`, 'x-medkit': { ...robotItem(r)['x-medkit'], health: r.health } };
    });

    app.get<{ Params: { robot: string } }>(`${API_BASE}/components/:robot/subcomponents`, { schema: { operationId: 'listFleetRobotComponents', summary: 'The robot\'s own components (last entity snapshot)', tags: TAGS } }, async (req) => {
      const r = await requireRobot(req.params.robot);
      const nodes = await db(() => robotEntities(pool(), r.robot_id));
      return { items: treeItems(r.robot_id, nodes, 'component') };
    });

    app.get<{ Params: { robot: string } }>(`${API_BASE}/components/:robot/hosts`, { schema: { operationId: 'listFleetRobotApps', summary: 'The robot\'s apps (last entity snapshot)', tags: TAGS } }, async (req) => {
      const r = await requireRobot(req.params.robot);
      const nodes = await db(() => robotEntities(pool(), r.robot_id));
      return { items: treeItems(r.robot_id, nodes, 'app') };
    });

    app.get<{ Params: { robot: string; collection: string } }>(`${API_BASE}/components/:robot/:collection`, { schema: { operationId: 'listFleetRobotEntities', summary: 'The robot\'s areas, components, apps or functions (last entity snapshot)', tags: TAGS } }, async (req) => {
      const type = ENTITY_COLLECTIONS[req.params.collection];
      if (!type) throw new SovdError('resource-not-found', `Unknown resource '${req.params.collection.slice(0, 80)}' of a fleet robot`);
      const r = await requireRobot(req.params.robot);
      const nodes = await db(() => robotEntities(pool(), r.robot_id));
      return { items: treeItems(r.robot_id, nodes, type) };
    });

    app.get(`${API_BASE}/faults`, {
      schema: {
        operationId: 'listFleetFaults',
        summary: 'Faults across the fleet, newest first',
        description: 'Filters: robot (comma list), fault_code (glob: * and ?), severity (minimum), status (pending|confirmed|cleared|healed|all; default pending+confirmed), since/until (ISO 8601, on last occurrence). Paging: limit (1-1000, default 100) and the opaque cursor of x-medkit.next_cursor.',
        tags: TAGS,
      },
    }, async (req) => {
      const { filter, limit, cursor } = faultQuery(req.query as Record<string, unknown>);
      const page = await db(() => queryFaults(pool(), filter, limit, cursor));
      return faultPage(page);
    });

    app.get(`${API_BASE}/x-medkit-fault-codes`, {
      schema: {
        operationId: 'listFleetFaultCodes',
        summary: 'Fault codes across the fleet: robots affected, first and last seen, reports per hour',
        description: `One item per fault code the fleet holds: x-medkit.robots (robots holding it under the status filter), active_robots (pending or confirmed now), occurrences (sum of the robots' counts), first_seen/last_seen, and trend: reports of the code per hour over the last \`hours\` whole hours (oldest first, the current hour last), from the stored fault events. Most active robots first, then newest. Filters: robot (comma list), fault_code (glob: * and ?), status (active = pending and confirmed, pending|confirmed|cleared|healed|all; default all). hours 1-${MAX_TREND_HOURS} (default 24), limit 1-${MAX_CODES} codes (default 100); x-medkit.total counts the codes, x-medkit.trend_complete is false when the window held more reports than one answer reads.`,
        tags: TAGS,
      },
    }, async (req) => {
      const { filter, hours, limit } = faultCodeQuery(req.query as Record<string, unknown>);
      return faultCodesBody(await db(() => faultCodes(pool(), filter, hours, limit)));
    });

    app.get(`${API_BASE}/faults/stream`, {
      schema: {
        operationId: 'streamFleetFaults',
        summary: 'SSE: fault events of every robot (robot_id in each event); Last-Event-ID resumes without a gap',
        description: 'Event ids are fleet stream sequences. With Last-Event-ID every fault event after it is replayed once from the fleet stream, then live events follow. When the id cannot be honoured (expired from the stream, not from this stream, malformed, or the replay failed) the first event is `x-medkit-resync` ({reason, message, last_event_id, resume_id, stored_through}): re-list with GET /faults, then keep reading; its id is a valid resume point.',
        tags: TAGS,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
        produces: ['text/event-stream'],
      },
    }, async (req: FastifyRequest, reply: FastifyReply) => {
      const feed = deps.feed();
      if (!feed) throw new SovdError('service-unavailable', 'Fleet live feed is not connected to NATS yet');
      const header = req.headers['last-event-id'];
      const stream = deps.sse.start(req, reply, deps.keepaliveMs);
      const off = await attachFleetStream(feed, stream, typeof header === 'string' ? header : undefined);
      void stream.done.then(off);
      return reply;
    });

    app.get<{ Params: { robot: string } }>(`${API_BASE}/components/:robot/faults`, { schema: { operationId: 'listFleetRobotFaults', summary: 'One robot\'s faults (same filters as /faults)', tags: TAGS } }, async (req) => {
      const r = await requireRobot(req.params.robot);
      const { filter, limit, cursor } = faultQuery(req.query as Record<string, unknown>, r.robot_id);
      const page = await db(() => queryFaults(pool(), filter, limit, cursor));
      return faultPage(page);
    });

    app.get<{ Params: { robot: string; code: string } }>(`${API_BASE}/components/:robot/faults/:code`, {
      schema: {
        operationId: 'getFleetRobotFault',
        summary: 'One fault of one robot: the stored state, with its environment data (freeze frames, black-box recordings) read live from the robot',
        description: 'item comes from the fleet database. environment_data comes from the robot\'s gateway (GET /faults/{code} there) within fleet.forward.timeout_ms, with bulk_data_uri links re-addressed to the fleet; when the robot cannot give it, x-medkit.environment_data is "unavailable" and x-medkit.robot_error says why (the stored state is still answered).',
        tags: TAGS,
      },
    }, async (req, reply) => {
      const r = await requireRobot(req.params.robot);
      const page = await db(() => queryFaults(pool(), { robots: [r.robot_id], code: req.params.code, statuses: ['PREFAILED', 'PREPASSED', 'CONFIRMED', 'HEALED', 'CLEARED'] }, 1));
      const f = page.items[0];
      if (!f) throw new SovdError('resource-not-found', `Fault '${req.params.code.slice(0, 80)}' not found on robot '${r.robot_id}'`, { entity_id: r.robot_id });
      const item = faultItem(f);
      try {
        const out = await toRobot(req, reply, r, `${API_BASE}/faults/${encodeURIComponent(f.fault_code)}`, r.robot_id);
        const body = parseJson(out.body) as { environment_data?: unknown; item?: { entity_id?: unknown }; 'x-medkit'?: Record<string, unknown> } | undefined;
        if (out.status !== 200 || !body || typeof body.environment_data !== 'object') {
          const e = body as { error_code?: unknown; message?: unknown } | undefined;
          throw new SovdError('x-medkit-peer-unavailable', `Robot '${r.robot_id}' answered HTTP ${out.status}: ${typeof e?.message === 'string' ? e.message.slice(0, 200) : 'no fault detail'}`, { peer: r.robot_id });
        }
        rewriteFaultBody(r.robot_id, body);
        const entity = typeof body.item?.entity_id === 'string' && isFleetId(body.item.entity_id) ? `${r.robot_id}__${body.item.entity_id}` : null;
        return { item, environment_data: body.environment_data, 'x-medkit': { ...item['x-medkit'], ...robotHistory(body['x-medkit']), environment_data: 'robot', robot_entity_id: entity } };
      } catch (err) {
        if (!(err instanceof SovdError)) throw err;
        // The stored state is still worth showing at 2 AM when the robot is down: say why the rest is missing.
        return { item, 'x-medkit': { ...item['x-medkit'], environment_data: 'unavailable', robot_error: { error_code: err.code, ...(err.vendorCode ? { vendor_code: err.vendorCode } : {}), status: err.status, message: err.message } } };
      }
    });

    app.get<{ Params: { robot: string } }>(`${API_BASE}/components/:robot/logs`, {
      schema: { operationId: 'listFleetRobotLogs', summary: 'The robot\'s WARN-and-above log entries sent to the fleet, newest first', description: 'Paging: limit (1-1000, default 100) and before (a seq from x-medkit.next_before).', tags: TAGS },
    }, async (req) => {
      const r = await requireRobot(req.params.robot);
      const q = req.query as Record<string, unknown>;
      const limitText = one(q, 'limit');
      const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SovdError('invalid-parameter', `limit must be an integer 1..${MAX_LIMIT}`, { parameter: 'limit' });
      const beforeText = one(q, 'before');
      if (beforeText !== undefined && !/^\d{1,15}$/.test(beforeText)) throw new SovdError('invalid-parameter', 'before must be a seq (digits)', { parameter: 'before' });
      const rows = await db(() => robotLogs(pool(), r.robot_id, limit, beforeText === undefined ? undefined : Number(beforeText)));
      const last = rows[rows.length - 1];
      return { items: rows.map((l) => logItem(r.robot_id, l)), 'x-medkit': { count: rows.length, next_before: rows.length === limit && last ? last.seq : null } };
    });

    // Live requests go to the robot's own gateway: /components/{robot}/{collection}/{robot}__{id}/{resource}/...
    const forward = async (req: FastifyRequest<{ Params: { robot: string; collection: string; id: string; resource: string; '*': string } }>, reply: FastifyReply) => {
      const { collection, id, resource } = req.params;
      const rest = req.params['*'] ?? '';
      if (!ENTITY_COLLECTIONS[collection] || !FORWARDED_RESOURCES.has(resource)) throw new SovdError('resource-not-found', `Only ${[...FORWARDED_RESOURCES].join(', ')} of a robot's entities are forwarded`);
      const r = await requireRobot(req.params.robot);
      const prefix = `${r.robot_id}__`;
      if (!id.startsWith(prefix) || id.length === prefix.length) throw new SovdError('entity-not-found', `Entity '${id.slice(0, 80)}' is not one of robot '${r.robot_id}'`, { entity_id: id });
      if (escapesPath(rest)) throw new SovdError('invalid-request', 'Path segments may not climb out of the entity');
      const query = req.raw.url?.includes('?') ? req.raw.url.slice(req.raw.url.indexOf('?')) : '';
      const path = `${API_BASE}/${collection}/${encodeURIComponent(id.slice(prefix.length))}/${resource}${rest ? `/${rest}` : ''}${query}`;
      const out = await toRobot(req, reply, r, path, id, resource === 'bulk-data' ? MAX_FORWARDED_BULK_BYTES : undefined);
      reply.code(out.status).headers(out.headers);
      // Fault details link their black-box recordings by the robot's own paths: hand out the fleet's.
      if (resource === 'faults' && out.status === 200 && (out.headers['content-type'] ?? '').startsWith('application/json')) {
        const body = parseJson(out.body);
        if (body !== undefined) {
          rewriteFaultBody(r.robot_id, body);
          return reply.send(body);
        }
      }
      return reply.send(out.body);
    };
    for (const suffix of ['', '/*']) {
      app.route({ method: ['GET', 'PUT', 'POST', 'DELETE'], url: `${API_BASE}/components/:robot/:collection/:id/:resource${suffix}`, schema: { hide: true } as object, config: { role: fleetForwardRole }, handler: forward });
    }
  };
}

/** Entries of a robot's status history the fleet passes on (the robot keeps at most faults.history.max_per_fault). */
const MAX_RELAYED_HISTORY = 1000;

/** The robot's stored status history and acknowledgement of a fault (docs/faults.md), passed on as the robot gave them. */
function robotHistory(xm: Record<string, unknown> | undefined): Record<string, unknown> {
  const history = xm?.status_history;
  const ack = xm?.acknowledgement;
  return {
    ...(Array.isArray(history) ? { status_history: history.slice(-MAX_RELAYED_HISTORY) } : {}),
    ...(ack && typeof ack === 'object' && !Array.isArray(ack) ? { acknowledgement: ack } : {}),
  };
}

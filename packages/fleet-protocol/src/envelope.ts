// The fleet wire contract (docs/fleet.md–3): identities, subjects, the stream and the JSON envelope
// every robot event travels in. Robot side and fleet side both build on this one module.

/** Fleet and robot ids: `[A-Za-z0-9_-]{1,64}` (docs/fleet.md). They become NATS subject tokens. */
export const FLEET_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isFleetId(v: string): boolean {
  return FLEET_ID_PATTERN.test(v);
}

/** Event kinds, one subject each: `medkit.<fleet>.<robot>.<kind>`. */
export const EVENT_KINDS = ['faults', 'entities', 'health', 'logs'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The only envelope version this code reads and writes; consumers `term` anything else. */
export const ENVELOPE_VERSION = 1;

export interface FleetEnvelope<B = unknown> {
  v: typeof ENVELOPE_VERSION;
  robot_id: string;
  /** Per-robot, strictly increasing, persisted: never reused after a restart. */
  seq: number;
  /** `<robot_id>:<seq>`; also the `Nats-Msg-Id`, so a republished event is stored once. */
  event_id: string;
  /** Robot wall time, ISO 8601. */
  time: string;
  kind: EventKind;
  /**
   * The `seq` of the robot's previous event of the same kind; absent on its first (and from robots before this field).
   * `seq` counts all kinds, so this is what lets a receiver of the fast path see that it missed one of a kind.
   */
  prev_seq?: number;
  body: B;
}

export function eventId(robotId: string, seq: number): string {
  return `${robotId}:${seq}`;
}

export function subjectFor(fleet: string, robot: string, kind: EventKind): string {
  return `medkit.${fleet}.${robot}.${kind}`;
}

/** Every subject of one fleet. */
export function fleetSubjects(fleet: string): string {
  return `medkit.${fleet}.>`;
}

/**
 * First token of the fast path's core NATS subjects `medkit-fast.<fleet>.<robot>.<kind>` (docs/fleet.md "The fast
 * path"). Not `medkit`: every fleet's stream stores `medkit.<fleet>.>`, so `medkit.fast.…` would land in the stream
 * of a fleet named `fast`.
 */
export const FAST_PATH_PREFIX = 'medkit-fast';

/** The fast path's subject of one robot's events of one kind. */
export function fastSubjectFor(fleet: string, robot: string, kind: EventKind): string {
  return `${FAST_PATH_PREFIX}.${fleet}.${robot}.${kind}`;
}

/** Every robot's fast-path subjects of one fleet, of one kind or (default) all kinds. */
export function fastSubjects(fleet: string, kind: EventKind | '*' = '*'): string {
  return `${FAST_PATH_PREFIX}.${fleet}.*.${kind}`;
}

/**
 * Envelopes larger than this travel by JetStream only: the fast path is for the small, frequent events (a fault
 * event is a few hundred bytes), and the bound keeps a replica's fast-path queue small in bytes too.
 */
export const FAST_PATH_MAX_BYTES = 64 * 1024;

/**
 * Why an envelope may not be taken from this subject, or undefined: its robot and kind must be the subject's
 * (`<prefix>.<fleet>.<robot>.<kind>`, JetStream or fast path). NATS permissions decide who may publish on a robot's
 * subjects; without this check a robot allowed only its own could still speak for another inside the envelope.
 */
export function subjectMismatch(subject: string, env: Pick<FleetEnvelope, 'robot_id' | 'kind'>): string | undefined {
  const t = subject.split('.');
  if (t.length !== 4) return `subject '${subject.slice(0, 200)}' is not <prefix>.<fleet>.<robot>.<kind>`;
  if (t[2] !== env.robot_id) return `robot_id '${env.robot_id}' on a subject of robot '${t[2].slice(0, 64)}'`;
  if (t[3] !== env.kind) return `kind '${env.kind}' on a '${t[3].slice(0, 32)}' subject`;
  return undefined;
}

/** `MEDKIT_<FLEET>`; stream names may not contain `.`, `*`, `>`, which fleet ids cannot. */
export function streamName(fleet: string): string {
  return `MEDKIT_${fleet.toUpperCase()}`;
}

/** Envelopes bigger than this are refused on both sides (a robot's entity snapshot is the largest). */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

export type ParseResult = { ok: true; envelope: FleetEnvelope } | { ok: false; reason: string; unknownVersion?: boolean };

/** Parses and checks an envelope from the wire. Never throws: bad input is a reason the consumer counts. */
export function parseEnvelope(data: Uint8Array): ParseResult {
  if (data.byteLength > MAX_ENVELOPE_BYTES) return { ok: false, reason: 'envelope too large' };
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'not an object' };
  const e = v as Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION) return { ok: false, reason: `unknown envelope version ${JSON.stringify(e.v)}`, unknownVersion: true };
  if (typeof e.robot_id !== 'string' || !isFleetId(e.robot_id)) return { ok: false, reason: 'bad robot_id' };
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 1) return { ok: false, reason: 'bad seq' };
  if (e.event_id !== eventId(e.robot_id, e.seq)) return { ok: false, reason: 'event_id does not match robot_id:seq' };
  if (e.prev_seq !== undefined && (typeof e.prev_seq !== 'number' || !Number.isSafeInteger(e.prev_seq) || e.prev_seq < 1 || e.prev_seq >= e.seq)) return { ok: false, reason: 'bad prev_seq' };
  if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) return { ok: false, reason: 'bad time' };
  if (typeof e.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(e.kind)) return { ok: false, reason: 'bad kind' };
  if (!e.body || typeof e.body !== 'object' || Array.isArray(e.body)) return { ok: false, reason: 'bad body' };
  const bodyProblem = BODY_CHECKS[e.kind as EventKind](e.body as Record<string, unknown>);
  if (bodyProblem) return { ok: false, reason: `bad ${e.kind} body: ${bodyProblem}` };
  return { ok: true, envelope: e as unknown as FleetEnvelope };
}

/** parseEnvelope, and the envelope's robot and kind must be those of the subject it came on (subjectMismatch). */
export function parseEnvelopeOn(subject: string, data: Uint8Array): ParseResult {
  const p = parseEnvelope(data);
  const mismatch = p.ok ? subjectMismatch(subject, p.envelope) : undefined;
  return mismatch === undefined ? p : { ok: false, reason: mismatch };
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isTime = (v: unknown): boolean => isStr(v, 64) && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
const ENTITY_TYPES_ON_WIRE = ['area', 'component', 'app', 'function'];
const LOG_SEVERITIES = ['warning', 'error', 'fatal'];
/** Entities in one snapshot the fleet accepts (far above any real robot). */
export const MAX_SNAPSHOT_ENTITIES = 100_000;

/**
 * What the fleet's SQL casts need of each body kind, checked before the database sees it: a hostile or
 * broken robot gets its message refused (term), never a poison batch that blocks ingest. Returns the problem.
 */
const BODY_CHECKS: Record<EventKind, (b: Record<string, unknown>) => string | undefined> = {
  faults(b) {
    if (!isStr(b.fault_code, 256) || b.fault_code.length === 0) return 'fault_code';
    if (!isCount(b.severity, 255)) return 'severity';
    if (!isStr(b.status, 32) || !isStr(b.event_type, 32)) return 'status';
    if (!isStr(b.description, 8192)) return 'description';
    if (!isCount(b.occurrence_count)) return 'occurrence_count';
    if (!Array.isArray(b.reporting_sources) || b.reporting_sources.length > 256 || !b.reporting_sources.every((s) => isStr(s, 512))) return 'reporting_sources';
    if (!isTime(b.first_occurred) || !isTime(b.last_occurred)) return 'times';
    if (b.acknowledgement !== undefined) {
      const a = b.acknowledgement as Record<string, unknown> | null;
      if (!a || typeof a !== 'object' || Array.isArray(a) || !isStr(a.by, 512) || !isTime(a.at) || (a.note !== undefined && !isStr(a.note, 500))) return 'acknowledgement';
    }
    return undefined;
  },
  health(b) {
    if (!isCount(b.interval_sec, 3600) || b.interval_sec === 0) return 'interval_sec';
    // The fleet forwards live requests here: only http(s) URLs.
    if (b.gateway_url !== undefined && (!isStr(b.gateway_url, 2048) || !/^https?:\/\/[^\s]+$/.test(b.gateway_url))) return 'gateway_url';
    return undefined;
  },
  entities(b) {
    if (!Array.isArray(b.entities) || b.entities.length > MAX_SNAPSHOT_ENTITIES) return 'entities';
    for (const n of b.entities as Record<string, unknown>[]) {
      if (!n || typeof n !== 'object' || !ENTITY_TYPES_ON_WIRE.includes(n.type as string) || !isStr(n.id, 256) || !isStr(n.name, 512)) return 'entity';
    }
    return undefined;
  },
  logs(b) {
    if (!isTime(b.time)) return 'time';
    if (!LOG_SEVERITIES.includes(b.severity as string) || !isCount(b.level, 255)) return 'severity';
    if (!isStr(b.source, 512) || !isStr(b.logger, 512)) return 'source';
    if (!isStr(b.message, 8192)) return 'message';
    if (b.suppressed_before !== undefined && !isCount(b.suppressed_before)) return 'suppressed_before';
    return undefined;
  },
};

/** The body of a `logs` event: one WARN-or-above log entry of the robot. */
export interface LogsBody {
  /** When the entry was logged (its source stamp), ISO 8601. */
  time: string;
  severity: 'warning' | 'error' | 'fatal';
  /** ROS level (30 WARN, 40 ERROR, 50 FATAL). */
  level: number;
  /** The publishing node's FQN, or an entity id for the gateway's own entries. */
  source: string;
  logger: string;
  message: string;
  /** The message was cut to the robot's limit. */
  truncated?: true;
  /** Entries the robot's rate limit held back since the previous logs event. */
  suppressed_before?: number;
}

/** The body of a `faults` event: a fault event as `/faults/stream` carries it, flattened for the fleet. */
export interface FaultEventBody {
  event_type: 'fault_confirmed' | 'fault_updated' | 'fault_cleared';
  fault_code: string;
  severity: number;
  status: string;
  description: string;
  occurrence_count: number;
  reporting_sources: string[];
  first_occurred: string;
  last_occurred: string;
  /** Who acknowledged the fault's current occurrence on the robot (docs/faults.md "Acknowledge"); absent: nobody. */
  acknowledgement?: FaultAcknowledgementBody;
}

/** A robot's acknowledgement of a fault, as its fault events carry it. */
export interface FaultAcknowledgementBody {
  by: string;
  at: string;
  note?: string;
}

/** The body of a `health` event (also the heartbeat). */
export interface HealthBody {
  status: 'healthy' | 'degraded';
  /** Codes of the robot's own /health warnings. */
  warnings: string[];
  /** Fault records the robot holds. */
  fault_count: number;
  /** Seconds until the next health event; liveness is judged against it. */
  interval_sec: number;
  /** The robot gateway's own base URL, when it advertises one, for live request forwarding. */
  gateway_url?: string;
  outbox: { pending: number; dropped: number };
}

export interface EntityNode {
  type: 'area' | 'component' | 'app' | 'function';
  id: string;
  name: string;
  parent?: string;
}

/** The body of an `entities` event: the full tree, flattened. */
export interface EntitiesBody {
  entities: EntityNode[];
}

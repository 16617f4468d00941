// The header's view of /version-info and /health (docs/api.md): version, ROS domain and
// node count when the gateway reports them, peers, and the warnings that explain an empty tree.
import { isObj, num, obj, str, items } from './json';

interface PeerView {
  name: string;
  url?: string;
  online: boolean;
}

/** What a warning names: a topic, a service, a node (from the warning's fields and x-medkit-ros). */
export interface WarningSubject {
  kind: 'topic' | 'service' | 'node' | 'entity' | 'peer';
  name: string;
  /** A line of detail (`stuck 12 s`, `5 calls timed out in a row`). */
  detail?: string;
}

export interface HealthWarningView {
  code: string;
  message: string;
  /** It makes /health `degraded`: the gateway cannot do part of its job (docs/api.md "Health"). */
  degrades: boolean;
  subjects: WarningSubject[];
}

/**
 * Warning codes that degrade /health: the gateway's table (@medkit/kit DEGRADING_WARNINGS; a test keeps the two
 * equal). A plugin's own warning degrades when the plugin says so (x-medkit-plugins[].warnings[].degrades).
 */
export const DEGRADING_WARNINGS: ReadonlySet<string> = new Set([
  'fault_store_unavailable',
  'fault_store_full',
  'ros_unavailable',
  'ros_discovery_server_not_answering',
  'ros_service_interface_unavailable',
  'ros_stream_stuck',
  'ros_discovery_refusing',
  'ros_requests_unanswered',
  'ros_security_tokens_unacknowledged',
  'plugin_disabled',
  'peer_offline',
  'peer_discovery_unavailable',
  'native_part_not_loaded',
  'fleet_broker_unreachable',
  'vda5050_broker_unreachable',
  'api_routes_unavailable',
]);

export interface HealthView {
  status: string;
  /** `status` is `degraded` (the gateway cannot do part of its job; the warnings that say which are marked). */
  degraded: boolean;
  version?: string;
  product?: string;
  sovdVersion?: string;
  rosDomain?: number;
  nodeCount?: number;
  discoveryMode?: string;
  /** Undefined when aggregation is off (no `peers` field). */
  peers?: PeerView[];
  /** The warnings, those that degrade first. */
  warnings: HealthWarningView[];
  /** Hints the gateway gives about why discovery found nothing. */
  hints: string[];
  /** Plugins in state `active` (x-medkit-plugins), e.g. graph_watchdog, procfs_introspection. */
  plugins: string[];
  /** What the gateway runs on (x-medkit-runtime): e.g. `Node.js v24.21.0 · SQLite 3.50.4 (better-sqlite3) · RTPS native addon`. */
  runtime?: string;
}

/** x-medkit-runtime in one line; undefined when the gateway does not report it. */
function runtimeLine(r: Record<string, unknown>): string | undefined {
  const node = obj(r.runtime);
  const sqlite = obj(r.sqlite);
  const rtps = obj(r.rtps);
  if (!str(node.version)) return undefined;
  const db = sqlite.loaded === true ? `SQLite ${str(sqlite.sqlite_version) ?? '?'} (${str(sqlite.driver) ?? 'driver'})` : `SQLite driver not loaded`;
  const path = str(rtps.path) === 'addon' ? 'RTPS native addon' : `RTPS in JavaScript${str(rtps.error) ? ` (${str(rtps.error)})` : ''}`;
  return `Node.js ${str(node.version)} · ${db} · ${path}`;
}

/** Finds a ROS status object: `ros`, `x-medkit-ros` or `x-medkit.ros`. */
function rosBlock(h: Record<string, unknown>): Record<string, unknown> {
  for (const v of [h.ros, h['x-medkit-ros'], obj(h['x-medkit']).ros, h['x-medkit-ros2'], h.ros2]) if (isObj(v)) return v;
  return {};
}

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Plugin warning codes (`<plugin>.<code>`) that their plugin marks as degrading. */
function degradingPluginCodes(h: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const p of list(h['x-medkit-plugins'])) for (const w of list(p.warnings)) if (w.degrades === true) out.add(`${str(p.name)}.${str(w.code)}`);
  return out;
}

/** The topics, services and nodes a warning is about: its own fields, and for stuck streams, unanswered services and conflicting samples x-medkit-ros's lists. */
function subjectsOf(w: Record<string, unknown>, ros: Record<string, unknown>): WarningSubject[] {
  const out: WarningSubject[] = [];
  const code = str(w.code);
  if (code === 'ros_stream_stuck') {
    for (const s of list(ros.stuck_streams)) {
      const name = str(s.topic);
      if (name) out.push({ kind: str(s.role) === 'request' || str(s.role) === 'reply' ? 'service' : 'topic', name, detail: [str(s.node) && `from ${str(s.node)}`, num(s.stuck_ms) !== undefined && `stuck ${Math.round(num(s.stuck_ms)! / 1000)} s`].filter(Boolean).join(', ') || undefined });
    }
  }
  if (code === 'ros_requests_unanswered') {
    for (const u of list(ros.unanswered_services)) {
      const name = str(u.service);
      if (name) out.push({ kind: 'service', name, detail: [str(u.node) && `of ${str(u.node)}`, num(u.timed_out) !== undefined && `${num(u.timed_out)} calls timed out in a row`].filter(Boolean).join(', ') || undefined });
    }
  }
  if (code === 'ros_samples_conflicting') {
    for (const c of list(obj(ros.conflicting_samples).streams)) {
      const name = str(c.topic);
      if (name) out.push({ kind: 'topic', name, detail: [str(c.node) && `from ${str(c.node)}`, num(c.count) !== undefined && `${num(c.count)} conflicting sample(s)`].filter(Boolean).join(', ') || undefined });
    }
  }
  // The nodes of a stuck stream, an unanswered service or a conflicting writer are already in its line.
  if (out.length === 0) for (const n of strs(w.ros_node_fqns)) out.push({ kind: 'node', name: n });
  for (const e of strs(w.entity_ids)) out.push({ kind: 'entity', name: e });
  for (const p of strs(w.peer_names)) out.push({ kind: 'peer', name: p });
  return out;
}

export function normalizeHealth(health: unknown, versionInfo: unknown): HealthView {
  const h = obj(health);
  const ros = rosBlock(h);
  const discovery = obj(h.discovery);
  const pipeline = obj(discovery.pipeline);
  const own = obj(items(versionInfo)[0]);
  const vendor = obj(own.vendor_info);
  const pluginDegrading = degradingPluginCodes(h);
  const warnings = list(h.warnings)
    .map((w) => {
      const code = str(w.code) ?? 'warning';
      return { code, message: str(w.message) ?? '', degrades: DEGRADING_WARNINGS.has(code) || pluginDegrading.has(code), subjects: subjectsOf(w, ros) };
    })
    // Stable: the degrading ones first, each group in the gateway's order.
    .sort((a, b) => Number(b.degrades) - Number(a.degrades));
  const hints: string[] = [];
  for (const v of [discovery.hint, ros.hint, h.hint, ...(Array.isArray(discovery.hints) ? discovery.hints : [])]) if (typeof v === 'string' && v) hints.push(v);
  const peers = Array.isArray(h.peers)
    ? h.peers.filter(isObj).map((p) => ({ name: str(p.name) ?? '?', url: str(p.url), online: str(p.status) === 'online' }))
    : undefined;
  return {
    status: str(h.status) ?? 'unknown',
    degraded: str(h.status) === 'degraded',
    version: str(vendor.version),
    product: str(vendor.name),
    sovdVersion: str(own.version),
    rosDomain: num(ros.domain_id) ?? num(ros.domain) ?? num(h.ros_domain_id),
    nodeCount: num(ros.node_count) ?? num(ros.nodes_seen) ?? num(ros.nodes) ?? num(pipeline.node_count),
    discoveryMode: str(discovery.mode),
    peers,
    warnings,
    hints,
    runtime: runtimeLine(obj(h['x-medkit-runtime'])),
    plugins: (Array.isArray(h['x-medkit-plugins']) ? h['x-medkit-plugins'] : []).filter(isObj).filter((p) => str(p.state) === 'active').map((p) => str(p.name) ?? '').filter(Boolean),
  };
}

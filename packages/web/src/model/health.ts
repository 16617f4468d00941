// The header's view of /version-info and /health (docs/api.md): version, ROS domain and
// node count when the gateway reports them, peers, and the warnings that explain an empty tree.
import { isObj, num, obj, str, items } from './json';

interface PeerView {
  name: string;
  url?: string;
  online: boolean;
}

export interface HealthView {
  status: string;
  version?: string;
  product?: string;
  sovdVersion?: string;
  rosDomain?: number;
  nodeCount?: number;
  discoveryMode?: string;
  /** Undefined when aggregation is off (no `peers` field). */
  peers?: PeerView[];
  warnings: { code: string; message: string }[];
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

export function normalizeHealth(health: unknown, versionInfo: unknown): HealthView {
  const h = obj(health);
  const ros = rosBlock(h);
  const discovery = obj(h.discovery);
  const pipeline = obj(discovery.pipeline);
  const own = obj(items(versionInfo)[0]);
  const vendor = obj(own.vendor_info);
  const warnings = (Array.isArray(h.warnings) ? h.warnings : []).filter(isObj).map((w) => ({ code: str(w.code) ?? 'warning', message: str(w.message) ?? '' }));
  const hints: string[] = [];
  for (const v of [discovery.hint, ros.hint, h.hint, ...(Array.isArray(discovery.hints) ? discovery.hints : [])]) if (typeof v === 'string' && v) hints.push(v);
  const peers = Array.isArray(h.peers)
    ? h.peers.filter(isObj).map((p) => ({ name: str(p.name) ?? '?', url: str(p.url), online: str(p.status) === 'online' }))
    : undefined;
  return {
    status: str(h.status) ?? 'unknown',
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

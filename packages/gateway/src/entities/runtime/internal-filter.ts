/**
 * Internal-node filter (docs/manifest.md step 9): Apps whose id starts with `_` (`_ros2cli_*`,
 * `_param_client_node`...) are dropped in every mode, after merging. A peer App's `<peer>__` prefix is
 * stripped before the test.
 */
import { peerOfSource, type EntitySnapshot } from '../model.js';

function isInternalId(id: string, source: string): boolean {
  const peer = peerOfSource(source);
  if (peer !== undefined) {
    const prefix = `${peer}__`;
    if (id.startsWith(prefix)) id = id.slice(prefix.length);
  }
  return id.startsWith('_');
}

/**
 * Returns the snapshot without internal Apps. Their ids are also removed from runtime Functions'
 * hosts, and runtime Functions left without hosts are dropped ([OURS]: a namespace Function made only of
 * internal nodes would otherwise be an empty shell).
 */
export function filterInternalNodes(s: EntitySnapshot): { snapshot: EntitySnapshot; dropped: string[] } {
  const dropped = s.apps.filter((a) => isInternalId(a.id, a.source)).map((a) => a.id);
  if (dropped.length === 0) return { snapshot: s, dropped };
  const gone = new Set(dropped);
  const functions = s.functions
    .map((f) => (f.source === 'runtime' ? { ...f, hosts: f.hosts.filter((h) => !gone.has(h)) } : f))
    .filter((f) => f.source !== 'runtime' || f.hosts.length > 0);
  return { snapshot: { ...s, apps: s.apps.filter((a) => !gone.has(a.id)), functions }, dropped };
}

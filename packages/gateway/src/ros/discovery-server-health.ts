// `/health` on the Fast DDS Discovery Servers of `ros.discovery_server` (docs/ros2.md "Fast DDS Discovery Server"):
// each server's state in `x-medkit-ros.discovery_servers`, and a warning for a server that does not answer. Nodes
// that use a server announce themselves to it only: while it does not answer, the gateway cannot learn of them.
import type { DiscoveryServerStatus } from '@medkit/rtps';
import { warning, type HealthWarning } from '@medkit/kit';

export type { DiscoveryServerStatus } from '@medkit/rtps';

/** A server that has not answered for this long (since start-up or since it went away) is worth a warning. */
export const SERVER_SILENCE_GRACE_MS = 5000;

const iso = (ms: number) => new Date(ms).toISOString();

/** `x-medkit-ros.discovery_servers`: one entry per configured server. */
export function discoveryServerFields(servers: readonly DiscoveryServerStatus[]) {
  return servers.map((s) => ({
    id: s.id,
    address: `${s.host}:${s.port}`,
    guid_prefix: s.guidPrefix,
    state: s.connected ? 'connected' : 'not_answering',
    since: iso(s.since),
    ...(s.lastHeard !== undefined ? { last_heard: iso(s.lastHeard) } : {}),
    participants_relayed: s.relayed,
  }));
}

/** One warning naming the servers that have not answered for SERVER_SILENCE_GRACE_MS. */
export function discoveryServerWarnings(servers: readonly DiscoveryServerStatus[], now = Date.now()): HealthWarning[] {
  const silent = servers.filter((s) => !s.connected && now - s.since >= SERVER_SILENCE_GRACE_MS);
  if (silent.length === 0) return [];
  const named = silent.map((s) => `${s.id} at ${s.host}:${s.port} (since ${iso(s.since)}${s.lastHeard !== undefined ? ', after it had answered' : ', never answered'})`).join(', ');
  return [
    warning(
      'ros_discovery_server_not_answering',
      `Fast DDS Discovery Server ${named} does not answer (ros.discovery_server): nodes that announce themselves only to it are not discovered, and the graph learnt through it ages out. ` +
        'Check that `fastdds discovery` runs there with that id and port and that UDP passes; the gateway keeps pinging it and re-reads the graph when it is back.',
    ),
  ];
}

// The ROS part of /health: what the gateway hears on its domain, and, when the graph is empty, a
// warning that says why that may be (wrong domain, localhost-only mismatch, no multicast) so an empty
// tree explains itself (docs/architecture.md "Defaults that work").
import type { ParticipantTableStats } from '@medkit/rtps';
import type { PeerAuthStatus } from '@medkit/rtps/security';
import { warning, type HealthContribution, type HealthWarning } from '@medkit/kit';
import type { RosConnectionOptions } from './connection.js';
import type { DiscoveryInfoStatus } from '@medkit/ros2';
import { discoveryInfoFields, discoveryInfoWarnings } from './discovery-info-health.js';
import { discoveryServerFields, discoveryServerWarnings, type DiscoveryServerStatus } from './discovery-server-health.js';
import { refusedSamplesWarning, type RefusedSamplesHealth } from './refused-samples.js';
import { conflictingSamplesWarning, type ConflictingSamplesHealth } from './conflicting-samples.js';

/** What the ROS graph looks like right now, reduced to counts. */
export interface RosGraphCounts {
  /** Remote participants (not this process). */
  participants: number;
  /** Remote ROS nodes. */
  nodes: number;
  /** Remote participants per DDS vendor name. */
  vendors: Record<string, number>;
  /** Remote participants whose ros_discovery_info uses the Humble (24-byte) Gid. */
  humble_participants: number;
}

/** Seconds to wait after start-up before an empty graph counts as a problem (SPDP announces every few s). */
export const EMPTY_GRAPH_GRACE_MS = 5000;

/** SROS2 as the connection runs it: `secured` with the enclave (and the peers' authentication), or not. */
export type RosSecurityHealth =
  | { state: 'off' }
  | { state: 'unsecured'; enclave: string; reason: string }
  | { state: 'secured'; enclave: string; dir: string; peers?: PeerAuthStatus[] };

/** A stream of the gateway's readers stuck on data its writer announces, named as the graph knows it. */
export interface StuckStreamHealth {
  /** ROS name (`/chatter`, `/fault_manager/report_fault` for a service's requests), else the DDS topic. */
  topic: string;
  /** `request` when it carries a service's requests to the gateway. */
  role: 'topic' | 'request' | 'reply' | 'other';
  writer_guid: string;
  /** The writer's node (`/ns/name`), when the graph knows it. */
  node?: string;
  /** How long it has not moved (ms). */
  stuck_ms: number;
  next_expected: number;
  announced_up_to: number;
}

/** A live server that stopped answering the gateway's calls (@medkit/ros2 UnansweredCalls), named as the graph knows it. */
export interface UnansweredServiceHealth {
  service: string;
  /** The server's request reader. */
  server_guid: string;
  /** Its node (`/ns/name`), when the graph knows it. */
  node?: string;
  /** Calls timed out in a row, and for how long (ms since the first of them was sent). */
  timed_out: number;
  unanswered_ms: number;
}

export type RosState =
  | { state: 'disabled' }
  | { state: 'failed'; error: string; options: RosConnectionOptions; security?: RosSecurityHealth }
  | { state: 'connected'; options: RosConnectionOptions; startedAt: number; counts: RosGraphCounts; table?: ParticipantTableStats; security?: RosSecurityHealth; discoveryInfo?: DiscoveryInfoStatus; discoveryServers?: DiscoveryServerStatus[]; stuck?: StuckStreamHealth[]; unanswered?: UnansweredServiceHealth[]; refused?: { total: number; topics: RefusedSamplesHealth[] }; conflicting?: { total: number; streams: ConflictingSamplesHealth[] } };

/**
 * Peers listed in `x-medkit-ros.security.peers` at most; the rest are counted by status. Authenticated peers come
 * first: anyone who can reach the port can make up participants that fail or never finish their handshake, and
 * such a flood must not push the robot's real peers off the list.
 */
export const MAX_SECURITY_PEERS = 64;

/**
 * `x-medkit-ros.security`: on or off, the enclave, and each remote participant's authentication (bounded), with the
 * endpoints of authenticated participants refused on their topic (their permissions do not grant it, ...).
 */
function securityFields(sec: RosSecurityHealth | undefined) {
  if (!sec || sec.state === 'off') return { enabled: false, secured: false };
  if (sec.state === 'unsecured') return { enabled: true, secured: false, enclave: sec.enclave, reason: sec.reason };
  const all = sec.peers ?? [];
  // Authenticated peers with refused endpoints first, then the other authenticated ones, then refused peers, then
  // those still authenticating (the states a made-up participant can reach).
  const rank = (p: PeerAuthStatus) => (p.state === 'authenticated' ? (p.refusedEndpointCount ? 0 : 1) : p.state === 'failed' ? 2 : 3);
  const listed = [...all].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_SECURITY_PEERS);
  const shown = new Set(listed);
  const notListed = { authenticated: 0, refused: 0, authenticating: 0 };
  for (const p of all) if (!shown.has(p)) notListed[p.state === 'authenticated' ? 'authenticated' : p.state === 'failed' ? 'refused' : 'authenticating']++;
  return {
    enabled: true,
    secured: true,
    enclave: sec.enclave,
    enclave_dir: sec.dir,
    peers_authenticated: all.filter((p) => p.state === 'authenticated').length,
    peers_refused: all.filter((p) => p.state === 'failed').length,
    endpoints_refused: all.reduce((n, p) => n + (p.refusedEndpointCount ?? 0), 0),
    peers: listed.map((p) => ({
      guid_prefix: p.guidPrefix,
      status: p.state === 'authenticated' ? 'authenticated' : p.state === 'failed' ? 'refused' : 'authenticating',
      state: p.state,
      ...(p.subject ? { subject: p.subject.replace(/\n/g, ',') } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      ...refusedEndpointFields(p),
      ...(p.tokensUnacknowledged ? { tokens_unacknowledged: p.tokensUnacknowledged.count, tokens_unacknowledged_since: new Date(p.tokensUnacknowledged.since).toISOString() } : {}),
    })),
    peers_not_listed: all.length - listed.length,
    peers_not_listed_by_status: notListed,
  };
}

/** `refused_endpoints` of one listed peer (bounded by the rtps side), and how many more were refused. */
function refusedEndpointFields(p: PeerAuthStatus) {
  const listed = p.refusedEndpoints ?? [];
  if (listed.length === 0) return {};
  const more = (p.refusedEndpointCount ?? listed.length) - listed.length;
  return { refused_endpoints: listed.map((e) => ({ kind: e.kind, topic: e.topic, reason: e.reason })), ...(more > 0 ? { refused_endpoints_not_listed: more } : {}) };
}

/** A warning while endpoints of authenticated participants are refused on their topics. */
function refusedEndpointsWarning(sec: RosSecurityHealth | undefined): HealthWarning | undefined {
  if (sec?.state !== 'secured') return undefined;
  const refused = (sec.peers ?? []).flatMap((p) => (p.refusedEndpoints ?? []).map((e) => ({ p, e })));
  if (refused.length === 0) return undefined;
  const total = (sec.peers ?? []).reduce((n, p) => n + (p.refusedEndpointCount ?? 0), 0);
  const shown = refused.slice(0, 3).map(({ p, e }) => `${p.guidPrefix} ${e.kind} '${e.topic}' (${e.reason})`).join(', ');
  return warning('ros_endpoints_refused', `DDS-Security refused ${total} endpoint(s) of authenticated ROS participants on their topics: ${shown}${total > 3 ? ', ...' : ''}; they are not matched (x-medkit-ros.security.peers[].refused_endpoints)`);
}

/** How long our token messages may wait for an authenticated peer's acknowledgement before /health says so (ms). */
export const TOKENS_UNACKNOWLEDGED_WARN_MS = 30_000;

/**
 * A warning while authenticated peers have not acknowledged our crypto-token messages for TOKENS_UNACKNOWLEDGED_WARN_MS:
 * they cannot open what we protect (our discovery, our requests), so they stay deaf to the gateway although listed as
 * authenticated; the messages keep being sent (docs/sros2.md).
 */
function tokensUnacknowledgedWarning(sec: RosSecurityHealth | undefined, now: number): HealthWarning | undefined {
  if (sec?.state !== 'secured') return undefined;
  const late = (sec.peers ?? []).filter((p) => p.state === 'authenticated' && p.tokensUnacknowledged && now - p.tokensUnacknowledged.since >= TOKENS_UNACKNOWLEDGED_WARN_MS);
  if (late.length === 0) return undefined;
  const shown = late.slice(0, 3).map((p) => `${p.guidPrefix} (${p.tokensUnacknowledged!.count} message(s), the oldest ${Math.round((now - p.tokensUnacknowledged!.since) / 1000)} s)`).join(', ');
  return warning(
    'ros_security_tokens_unacknowledged',
    `${late.length} authenticated ROS participant(s) have not acknowledged the gateway's crypto tokens: ${shown}${late.length > 3 ? ', ...' : ''}; until they do they cannot read what the gateway protects (its discovery, its requests), and calls to them wait for a match (x-medkit-ros.security.peers[].tokens_unacknowledged)`,
  );
}

/** A warning while remote participants are refused by DDS-Security (wrong CA, expired, no grant, ...). */
function refusedPeersWarning(sec: RosSecurityHealth | undefined): HealthWarning | undefined {
  if (sec?.state !== 'secured') return undefined;
  const refused = (sec.peers ?? []).filter((p) => p.state === 'failed');
  if (refused.length === 0) return undefined;
  const shown = refused.slice(0, 3).map((p) => `${p.guidPrefix} (${p.reason ?? 'no reason given'})`).join(', ');
  return warning('ros_peers_refused', `DDS-Security refused ${refused.length} ROS participant(s): ${shown}${refused.length > 3 ? ', ...' : ''}; they are not matched (x-medkit-ros.security.peers)`);
}

/** `/health` fields (`x-medkit-ros`) and warnings for one state of the ROS connection. */
export function rosHealth(s: RosState, now = Date.now()): HealthContribution {
  if (s.state === 'disabled') {
    return {
      fields: { 'x-medkit-ros': { enabled: false } },
      warnings: [warning('ros_disabled', 'ROS 2 access is turned off (ros.enabled: false): only manifest and plugin entities are served')],
    };
  }
  const base = {
    enabled: true,
    domain_id: s.options.domainId,
    localhost_only: s.options.localhostOnly,
    initial_peers: s.options.initialPeers,
    security: securityFields(s.security),
  };
  if (s.state === 'failed') {
    return {
      fields: { 'x-medkit-ros': { ...base, connected: false, error: s.error } },
      warnings: [warning('ros_unavailable', `Could not join ROS domain ${s.options.domainId}: ${s.error}`)],
    };
  }
  const c = s.counts;
  const fields = {
    'x-medkit-ros': {
      ...base,
      connected: true,
      participants_seen: c.participants,
      nodes_seen: c.nodes,
      vendors: c.vendors,
      humble_participants: c.humble_participants,
      uptime_ms: Math.max(0, now - s.startedAt),
      ...(s.table ? { participant_table: participantTableFields(s.table) } : {}),
      ...(s.discoveryInfo ? { discovery_info: discoveryInfoFields(s.discoveryInfo) } : {}),
      ...(s.discoveryServers?.length ? { discovery_servers: discoveryServerFields(s.discoveryServers) } : {}),
      stuck_streams: s.stuck ?? [],
      unanswered_services: s.unanswered ?? [],
      refused_samples: { total: s.refused?.total ?? 0, topics: s.refused?.topics ?? [] },
      conflicting_samples: { total: s.conflicting?.total ?? 0, streams: s.conflicting?.streams ?? [] },
    },
  };
  const warnings: HealthWarning[] = [...(s.discoveryInfo ? discoveryInfoWarnings(s.discoveryInfo, now) : []), ...discoveryServerWarnings(s.discoveryServers ?? [], now)];
  if (s.table?.underPressure) warnings.push(participantTablePressureWarning(s.table));
  if (s.table?.underPressure && s.table.dropped > 0) warnings.push(participantTableRefusingWarning(s.table));
  if (s.stuck?.length) warnings.push(stuckStreamsWarning(s.stuck));
  if (s.unanswered?.length) warnings.push(unansweredWarning(s.unanswered));
  const bigSamples = s.refused && refusedSamplesWarning(s.refused.topics, s.refused.total);
  if (bigSamples) warnings.push(bigSamples);
  const forged = s.conflicting && conflictingSamplesWarning(s.conflicting.streams, s.conflicting.total);
  if (forged) warnings.push(forged);
  const refused = refusedPeersWarning(s.security);
  if (refused) warnings.push(refused);
  const refusedEndpoints = refusedEndpointsWarning(s.security);
  if (refusedEndpoints) warnings.push(refusedEndpoints);
  const deaf = tokensUnacknowledgedWarning(s.security, now);
  if (deaf) warnings.push(deaf);
  if (now - s.startedAt >= EMPTY_GRAPH_GRACE_MS) {
    const w = emptyGraphWarning(s.options, c);
    if (w) warnings.push(w);
  }
  return { fields, warnings };
}

/**
 * Every seat is held by a proven participant and newcomers are turned away: a real node that starts now is not
 * listed (degraded, docs/ros2.md "Never blind").
 */
function participantTableRefusingWarning(t: ParticipantTableStats): HealthWarning {
  return warning(
    'ros_discovery_refusing',
    `The DDS participant table is full of proven participants (${t.proven} of ${t.capacity}) and turned ${t.dropped} newcomer(s) away: ` +
      'a node that starts now may not be listed until seats come free (their leases end). Raise ros.participants.max if the robot really has that many participants.',
  );
}

/** Streams stuck on data their writers announce (degraded): the node's data or service requests no longer reach us. */
function stuckStreamsWarning(stuck: StuckStreamHealth[]): HealthWarning {
  const shown = stuck.slice(0, 3).map((s) => `${s.role === 'request' ? 'requests of service ' : ''}${s.topic} from ${s.node ?? s.writer_guid} (stuck ${Math.round(s.stuck_ms / 1000)} s at SN ${s.next_expected}, announced up to ${s.announced_up_to})`);
  return warning(
    'ros_stream_stuck',
    `${stuck.length} stream(s) no longer reach the gateway although their writers announce data: ${shown.join('; ')}${stuck.length > 3 ? '; ...' : ''} (x-medkit-ros.stuck_streams)`,
    { ros_node_fqns: [...new Set(stuck.flatMap((s) => (s.node ? [s.node] : [])))] },
  );
}

/** Live servers whose calls time out (degraded): what the gateway does through them (parameters, operations) fails. */
function unansweredWarning(list: UnansweredServiceHealth[]): HealthWarning {
  const shown = list.slice(0, 3).map((u) => `${u.service}${u.node ? ` of ${u.node}` : ''} (${u.timed_out} calls timed out in a row over ${Math.round(u.unanswered_ms / 1000)} s)`);
  return warning(
    'ros_requests_unanswered',
    `${list.length} service(s) of live nodes no longer answer the gateway's calls: ${shown.join('; ')}${list.length > 3 ? '; ...' : ''} (x-medkit-ros.unanswered_services)`,
    { ros_node_fqns: [...new Set(list.flatMap((u) => (u.node ? [u.node] : [])))] },
  );
}

/** The hint for an empty graph, or undefined when nodes are seen. */
export function emptyGraphWarning(o: RosConnectionOptions, c: RosGraphCounts): HealthWarning | undefined {
  if (c.nodes > 0) return undefined;
  if (c.participants === 0) {
    const hints = [
      `check that the robot uses ROS_DOMAIN_ID=${o.domainId} (ros.domain_id)`,
      o.localhostOnly
        ? 'the gateway is localhost-only (ros.localhost_only: true): it cannot hear nodes on other machines'
        : 'if the robot runs with ROS_LOCALHOST_ONLY=1 (or ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST), set ros.localhost_only: true and run the gateway on the robot',
      o.initialPeers.length > 0
        ? `no answer from the initial peers ${o.initialPeers.join(', ')}`
        : 'if multicast does not pass between the machines (Wi-Fi, VPN, Docker), list the robot address in ros.initial_peers',
    ];
    return warning('ros_no_peers', `No DDS participant heard on domain ${o.domainId}: ${hints.join('; ')}`);
  }
  return warning(
    'ros_no_nodes',
    `${c.participants} DDS participant(s) heard on domain ${o.domainId} but none announces a ROS node: they are plain DDS applications, ROS nodes still starting, or an rmw without ros_discovery_info`,
  );
}

/** `x-medkit-ros.participant_table`: the remote-participant table and what its flood defences did. */
function participantTableFields(t: ParticipantTableStats) {
  return {
    tracked: t.tracked,
    capacity: t.capacity,
    proven: t.proven,
    on_probation: t.onProbation,
    evicted: t.evicted,
    dropped: t.dropped,
    rate_limited: t.rateLimited,
    leases_clamped: t.leasesClamped,
    under_pressure: t.underPressure,
    // What the liveness check did (rtps participant-liveness.ts, docs/ros2.md "A node is listed only while it answers").
    expired_unconfirmed: t.expiredUnconfirmed ?? 0,
    changes_held: t.changesHeld,
    wrong_echoes: t.wrongEchoes ?? 0,
  };
}

/**
 * The table is (nearly) full or refusing newcomers: a flood of made-up SPDP announcements, or more
 * real participants than `ros.participants.max`. Proven participants keep their seats either way.
 */
function participantTablePressureWarning(t: ParticipantTableStats): HealthWarning {
  return warning(
    'ros_discovery_pressure',
    `The DDS participant table is under pressure: ${t.tracked} of ${t.capacity} seats used (${t.proven} proven), ` +
      `${t.evicted} unproven participants evicted, ${t.rateLimited} newcomers rate-limited and ${t.dropped} dropped so far. ` +
      'Either something floods the domain with SPDP announcements (spoofed participants), or the robot has more participants than ros.participants.max; ' +
      'nodes that completed discovery keep their seats.',
  );
}

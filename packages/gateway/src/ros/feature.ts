// The ROS connection feature: joins the configured ROS domain (one participant, the gateway's own
// node), publishes the connection as service 'ros' and the live graph as 'ros-graph' for discovery,
// forwards graph changes to the entities' refresh scheduler, and reports on /health.
import type { GatewayConfig } from '../config/index.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { ROS_GRAPH_SERVICE, ROS_SERVICE, RosConnection, type RosConnectionOptions } from './connection.js';
import { rosGraphSource } from './graph-source.js';
import { rosHealth, type RosGraphCounts, type RosSecurityHealth, type RosState, type StuckStreamHealth, type UnansweredServiceHealth } from './health.js';
import { warning } from '@medkit/kit';
import { checkRosSecurity, type RosSecurityState } from './security.js';
import { typeHashHealth } from './type-hash-health.js';
import { ROS_KEYS, ROS_SECURITY_KEYS } from '../config/keys.js';
import { RefusedSamples, type RefusedSamplesHealth } from './refused-samples.js';
import { conflictingSamplesHealth, type ConflictingSamplesHealth } from './conflicting-samples.js';
import { sampleLimitsFrom } from '../config/ros-sample-limits.js';
import type { RosDistro } from '@medkit/ros2';
import { parseDiscoveryServerList } from '@medkit/rtps/light';

export interface RosFeatureOptions {
  /** How to connect (tests may hand in an already open connection). */
  connect?: (opts: RosConnectionOptions) => Promise<RosConnection>;
}

/** Reads the `ros.*` keys. */
export function rosOptionsFromConfig(config: GatewayConfig): RosConnectionOptions {
  return {
    domainId: config.read(ROS_KEYS, 'ros.domain_id'),
    localhostOnly: config.read(ROS_KEYS, 'ros.localhost_only'),
    initialPeers: config.read(ROS_KEYS, 'ros.initial_peers'),
    interfaces: config.read(ROS_KEYS, 'ros.interfaces'),
    discoveryServers: parseDiscoveryServerList(config.read(ROS_KEYS, 'ros.discovery_server')),
    distro: config.read(ROS_KEYS, 'ros.distro') as RosDistro,
    participants: {
      max: config.read(ROS_KEYS, 'ros.participants.max'),
      maxLeaseSec: config.read(ROS_KEYS, 'ros.participants.max_lease_sec'),
      newPerSourcePerSec: config.read(ROS_KEYS, 'ros.participants.new_per_source_per_sec'),
      newPerSourceBurst: config.read(ROS_KEYS, 'ros.participants.new_per_source_burst'),
    },
    sampleLimits: sampleLimitsFrom(config.read(ROS_KEYS, 'ros.limits.max_sample_bytes'), config.read(ROS_KEYS, 'ros.limits.max_sample_bytes_by_type'), config.read(ROS_KEYS, 'ros.limits.max_decoded_values')),
  };
}

/** Counts of what the connection hears from other processes. */
export function graphCounts(ros: RosConnection): RosGraphCounts {
  const parts = ros.graph.participants().filter((p) => !p.local);
  const vendors: Record<string, number> = {};
  for (const p of parts) vendors[p.vendor] = (vendors[p.vendor] ?? 0) + 1;
  return {
    participants: parts.length,
    nodes: ros.graph.nodes({ includeLocal: false }).length,
    vendors,
    humble_participants: parts.filter((p) => p.gidSize === 24).length,
  };
}

/** The connection's stuck streams (at most 32), named as the graph knows their writers. */
export function stuckStreams(ros: RosConnection, now = Date.now()): StuckStreamHealth[] {
  return ros.stuckStreams(32).map((s) => {
    const ep = ros.graph.endpoint(s.writerGuid);
    const node = ros.graph.nodeOfEndpoint(s.writerGuid);
    return { topic: ep?.rosName ?? s.topic, role: ep?.role ?? 'other', writer_guid: s.writerGuid, ...(node ? { node: node.fqn } : {}), stuck_ms: now - s.since, next_expected: s.nextExpected, announced_up_to: s.owedHigh };
  });
}

/** Live servers that stopped answering the gateway's calls (at most 32), named by node as the graph knows them. */
export function unansweredServices(ros: RosConnection, now = Date.now()): UnansweredServiceHealth[] {
  return ros.context.unansweredCalls.list(now).slice(0, 32).map((u) => {
    const node = ros.graph.nodeOfEndpoint(u.serverGuid);
    return { service: u.service, server_guid: u.serverGuid, ...(node ? { node: node.fqn } : {}), timed_out: u.timedOut, unanswered_ms: now - u.since };
  });
}

/** The samples refused so far, their writers named by node as the graph knows them. */
function refusedSamples(ros: RosConnection, seen: RefusedSamples): { total: number; topics: RefusedSamplesHealth[] } {
  return { total: seen.total, topics: seen.list((guid) => ros.graph.nodeOfEndpoint(guid)?.fqn) };
}

/** Writers whose samples conflicted (at most 32, latest first), named as the graph knows them, and the total. */
function conflictingSamples(ros: RosConnection): { total: number; streams: ConflictingSamplesHealth[] } {
  const { total, streams } = ros.conflictingStreams(32);
  return { total, streams: conflictingSamplesHealth(streams, { rosName: (g) => ros.graph.endpoint(g)?.rosName, node: (g) => ros.graph.nodeOfEndpoint(g)?.fqn }) };
}

/** What /health says about SROS2 for this start-up decision and connection. */
function securityHealth(security: RosSecurityState, ros: RosConnection | undefined): RosSecurityHealth {
  if (security.state === 'off') return { state: 'off' };
  if (security.state === 'unsecured') return { state: 'unsecured', enclave: security.enclave, reason: security.warning };
  const { enclave, dir } = security.enclave;
  if (ros && !ros.secured) return { state: 'unsecured', enclave, reason: `the connection was opened without the enclave ${enclave}` };
  return { state: 'secured', enclave, dir, peers: ros?.peerStatus() };
}

export function createRosFeature(_config?: GatewayConfig, opts: RosFeatureOptions = {}): GatewayFeature {
  let ros: RosConnection | undefined;
  let state: RosState = { state: 'disabled' };
  let security: RosSecurityState = { state: 'off' };
  return {
    name: 'ros',
    provides: [ROS_SERVICE, ROS_GRAPH_SERVICE],
    async init(ctx: GatewayContext) {
      if (!ctx.config.read(ROS_KEYS, 'ros.enabled')) {
        ctx.health.add(() => rosHealth({ state: 'disabled' }));
        return;
      }
      const options = rosOptionsFromConfig(ctx.config);
      const seen = new RefusedSamples((m) => ctx.log.warn(m));
      options.sampleLimits = { ...options.sampleLimits, onRefused: (r) => seen.note(r) };
      // Throws (start-up refused) under Enforce when the enclave is unusable (docs/sros2.md).
      security = await checkRosSecurity(ctx.config, { warn: (m) => ctx.log.warn(m), info: (m) => ctx.log.info(m) });
      if (security.state === 'unsecured') {
        const w = warning('ros_unsecured', security.warning);
        ctx.health.add(() => ({ warnings: [w] }));
      }
      try {
        ros = await (opts.connect ?? RosConnection.open)({
          ...options,
          ...(security.state === 'secured' ? { security: { enclave: security.enclave, options: { handshakeTimeoutMs: ctx.config.read(ROS_SECURITY_KEYS, 'ros.security.handshake_timeout_ms') } } } : {}),
          onProtocolViolation: (v) => ctx.log.warn({ peer: v.peer, suppressedReports: v.suppressed }, `RTPS peer ${v.peer} violates the protocol (${v.message}); its offending datagrams are ignored`),
        });
        ctx.services.provide(ROS_SERVICE, ros);
        ctx.services.provide(ROS_GRAPH_SERVICE, rosGraphSource(ros));
      } catch (err) {
        // The gateway still serves manifest entities and everything not ROS-backed; /health says why.
        state = { state: 'failed', error: (err as Error).message, options, security: securityHealth(security, undefined) };
        ctx.log.error({ err }, `could not join ROS domain ${options.domainId}`);
      }
      ctx.health.add(() => {
        if (ros) state = { state: 'connected', options, startedAt: ros.startedAt, counts: graphCounts(ros), table: ros.participantTable(), security: securityHealth(security, ros), discoveryInfo: ros.context.discoveryInfoStatus(), discoveryServers: ros.discoveryServers(), stuck: stuckStreams(ros), unanswered: unansweredServices(ros), refused: refusedSamples(ros, seen), conflicting: conflictingSamples(ros) };
        return rosHealth(state);
      });
      ctx.health.add(() => (ros ? typeHashHealth(ros.graph, ros.types) : {}));
    },
    async stop() {
      await ros?.close();
    },
    summary(ctx) {
      if (!ctx.config.read(ROS_KEYS, 'ros.enabled')) return [['ros', 'disabled (ros.enabled: false)']];
      if (!ros) return [['ros', `NOT connected: ${state.state === 'failed' ? state.error : 'unknown error'}`]];
      // The same decision /health shows, in one line.
      const h = securityHealth(security, ros);
      const sec: [string, string][] = h.state === 'off' ? [] : [['ros security', h.state === 'secured' ? `secured (enclave ${h.enclave})` : `NOT secured: ${h.reason}`]];
      const c = graphCounts(ros);
      const vendors = Object.entries(c.vendors).map(([v, n]) => `${v} ${n}`).join(', ');
      const where = ros.options.localhostOnly ? ', localhost-only' : ros.options.initialPeers.length > 0 ? `, peers ${ros.options.initialPeers.join(' ')}` : '';
      return [['ros', `domain ${ros.domainId}${where}: ${c.nodes} ROS nodes seen in ${c.participants} participants${vendors ? ` (${vendors})` : ''}`], ...sec];
    },
  };
}

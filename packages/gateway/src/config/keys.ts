// The robot gateway's own configuration keys (ROS 2, SROS2, discovery) on top of the server core's
// (@medkit/server). Names, defaults and ranges are documented in docs/configuration.md; keys marked [ours]
// are medkit additions. Features declare their own key tables.
import { bool, float, guardAll, guarded, int, list, str, type KeySpec } from '@medkit/kit';
import { SERVER_CORE_KEYS } from '@medkit/server';
import { parseDiscoveryServerList } from '@medkit/rtps/light';
import { DEFAULT_BY_TYPE, DEFAULT_MAX_DECODED_VALUES, MAX_SAMPLE_BYTES, MIN_SAMPLE_BYTES, sampleBytesByTypeProblem } from './ros-sample-limits.js';

/** Why a `ros.discovery_server` value cannot be used (bad host, port out of range, too many servers), or undefined. */
function discoveryServerProblem(value: string): string | undefined {
  try {
    parseDiscoveryServerList(value);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const ROS_KEYS = {
  'ros.domain_id': int(0, 'ROS_DOMAIN_ID to join (defaults to the ROS_DOMAIN_ID environment variable).', { min: 0, max: 232 }),
  'ros.localhost_only': bool(false, 'Only talk to peers on 127.0.0.1 (as ROS_LOCALHOST_ONLY=1 / ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST).'),
  'ros.initial_peers': list([], 'Extra unicast discovery peers (IP addresses) besides multicast.'),
  'ros.interfaces': list([], 'Network interface addresses to use (empty = all).'),
  'ros.discovery_server': str('', 'Fast DDS Discovery Server(s) the robot runs, in ROS_DISCOVERY_SERVER syntax: `host[:port]` entries separated by `;`, the position being the server id (`;;10.0.0.5:11888` is server 2); port 11811 by default, at most 16 servers, IPv4 or host names. The gateway becomes their super client and sees the whole graph (docs/ros2.md "Fast DDS Discovery Server"). Empty = none (the ROS_DISCOVERY_SERVER environment variable is read when the key is not set).', {
    check: { allowed: 'host[:port] entries separated by ;', problem: discoveryServerProblem },
  }),
  'ros.distro': str('auto', '[ours] The robot\'s ROS 2 distribution (as ROS_DISTRO): auto | foxy | galactic | humble | iron | jazzy | kilted | rolling. Decides the ros_discovery_info Gid layout and whether endpoints announce type hashes; auto learns it from the peers and writes no graph snapshot to a peer whose layout is not yet known (docs/ros2.md "Distro").', {
    enum: ['auto', 'foxy', 'galactic', 'humble', 'iron', 'jazzy', 'kilted', 'rolling'],
  }),
  'ros.enabled': bool(true, '[ours] Join the ROS 2 graph at all (false = manifest-only gateway without DDS).'),
  'ros.participants.max': guarded('limit', int(1024, '[ours] Remote DDS participants tracked at once; when full, one that only announced itself makes room for a newcomer (docs/ros2.md "Discovery under flood").', { min: 16, max: 65536 })),
  'ros.participants.max_lease_sec': guarded('limit', int(300, '[ours] Longest participant lease honoured; a longer announced lease (up to 0x7fffffff s) is cut to this, so spoofed participants go away.', { min: 10, max: 86400 })),
  'ros.participants.new_per_source_per_sec': guarded('limit', int(32, '[ours] New remote participants admitted per second from one source address (sustained); more are ignored until their next announcement.', { min: 1, max: 100000 })),
  'ros.participants.new_per_source_burst': guarded('limit', int(256, '[ours] New remote participants one source address may announce at once (a launch of many nodes on one host).', { min: 1, max: 100000 })),
  'ros.limits.max_sample_bytes': guarded('limit', int(MAX_SAMPLE_BYTES, '[ours] Largest sample (bytes) of a topic the gateway subscribes to (data reads, value rules, black box, fault bridges) whose type has no bound in ros.limits.max_sample_bytes_by_type; a larger one is refused before it is reassembled, counted and acknowledged so the topic goes on (docs/ros2.md "Big samples").', { min: MIN_SAMPLE_BYTES, max: MAX_SAMPLE_BYTES })),
  'ros.limits.max_sample_bytes_by_type': guarded('limit', str(DEFAULT_BY_TYPE, '[ours] Largest sample (bytes) by ROS type, `pkg/msg/Type=bytes` entries separated by `;`; replaces the defaults (diagnostics, logs, action status: real ones are kilobytes) when set (docs/ros2.md "Big samples").', {
    check: { allowed: `pkg/msg/Type=bytes entries separated by ;, each ${MIN_SAMPLE_BYTES}..${MAX_SAMPLE_BYTES}`, problem: sampleBytesByTypeProblem },
  })),
  'ros.limits.max_decoded_values': guarded('limit', int(DEFAULT_MAX_DECODED_VALUES, '[ours] Most values one received message may decode into (a struct counts 4, a string or number 1, a float32 8; a byte array read raw or as base64 1); a message that would make more is refused before decoding, so no decode holds the event loop for more than about 80 ms (docs/ros2.md "Big samples").', { min: 1000, max: 100_000_000 })),
  topic_sample_timeout_sec: float(1.0, 'Wait for a message on a topic with publishers.', { min: 0.1, max: 30 }),
  parameter_service_timeout_sec: float(2.0, 'Deadline of a parameter service call.', { min: 0.1, max: 10 }),
  parameter_service_negative_cache_sec: float(60.0, 'After a node parameter service failed, answer "unavailable" at once for this long.', { min: 0, max: 3600 }),
  service_call_timeout_sec: int(10, 'Response deadline of service calls and each action RPC.', { min: 1, max: 3600 }),
} satisfies Record<string, KeySpec>;

/**
 * SROS2 / DDS-Security (docs/sros2.md). Read from ROS_SECURITY_ENABLE, ROS_SECURITY_STRATEGY, ROS_SECURITY_KEYSTORE
 * and ROS_SECURITY_ENCLAVE_OVERRIDE too (config/sources.ts). Checked at start-up by the ROS feature.
 */
export const ROS_SECURITY_KEYS = guardAll('security', {
  'ros.security.enabled': bool(false, 'Use an SROS2 enclave (as ROS_SECURITY_ENABLE=true): the enclave is loaded and validated, and the gateway joins ROS with DDS-Security (authentication, access control, encryption; docs/sros2.md).'),
  'ros.security.strategy': str('Enforce', 'Enforce: a missing, unreadable or wrongly signed enclave stops start-up: never unsecured. Permissive: warn and join without security. A valid enclave joins secured under both (docs/sros2.md). [ours] Enforce by default where rcl defaults to Permissive (ROS_SECURITY_STRATEGY).', {
    enum: ['Enforce', 'Permissive'],
  }),
  'ros.security.keystore': str('', 'The SROS2 keystore directory (ROS_SECURITY_KEYSTORE); the enclave is `<keystore>/enclaves/<enclave>`.'),
  'ros.security.enclave': str('/', 'The enclave path inside the keystore (ROS_SECURITY_ENCLAVE_OVERRIDE), e.g. /medkit/gateway.'),
  'ros.security.handshake_timeout_ms': int(20_000, 'A PKI-DH handshake with a peer not complete after this fails: a peer refused on the way (untrusted or expired certificate) counts as refused from then on (docs/sros2.md). [ours] No rcl counterpart; the tests shorten it to see refusals sooner.', { min: 100, max: 600_000 }),
} satisfies Record<string, KeySpec>);

export const DISCOVERY_KEYS = {
  'discovery.mode': str('runtime_only', 'runtime_only | manifest_only | hybrid. With a manifest and no explicit mode, medkit uses hybrid [ours].', {
    enum: ['runtime_only', 'manifest_only', 'hybrid'],
  }),
  'discovery.manifest_path': str('', 'Manifest YAML file (docs/manifest.md).'),
  'discovery.manifest_strict_validation': bool(true, 'Treat manifest validation warnings as errors.'),
  'discovery.manifest.enabled': bool(true, 'Run the manifest layer in hybrid mode.'),
  'discovery.manifest.fragments_dir': str('', 'Directory of manifest fragments appended to the base manifest (empty = off).'),
  'discovery.inventory.csv_path': str('', 'CSV asset inventory appended as components (empty = off).'),
  'discovery.runtime.enabled': bool(true, 'Run the runtime (ROS graph) layer in hybrid mode.'),
  'discovery.runtime.create_functions_from_namespaces': bool(true, 'One Function per top-level namespace in runtime_only mode.'),
  'discovery.runtime.default_component.enabled': bool(true, 'The host Component in runtime_only mode.'),
  'discovery.runtime.filter_internal_nodes': bool(true, 'Hide Apps whose id starts with "_".'),
  'discovery.refresh_debounce_ms': int(1000, 'At most one graph-driven refresh per window (0 = no debounce); one per 100 ms tick for the first 3 s after start.', { min: 0, max: 60000 }),
  refresh_interval_ms: int(30000, 'Backstop refresh in case a graph event was missed.', { min: 100, max: 60000 }),
  'entity_cache.capacity': int(256, 'Expected entity count (health statistics only in medkit).', { min: 16, max: 1000000 }),
  'discovery.merge_pipeline.gap_fill.allow_heuristic_apps': bool(true, 'Hybrid: runtime Apps for nodes no manifest App binds.'),
  'discovery.merge_pipeline.gap_fill.allow_heuristic_functions': bool(false, 'Hybrid: runtime namespace Functions.'),
  'discovery.merge_pipeline.gap_fill.namespace_whitelist': list([], 'Hybrid: only runtime Apps under these namespaces.'),
  'discovery.merge_pipeline.gap_fill.namespace_blacklist': list([], 'Hybrid: drop runtime Apps under these namespaces.'),
} satisfies Record<string, KeySpec>;

/** The core keys of a robot gateway: the server core's and the robot's own. */
export const ALL_KEYS = {
  ...SERVER_CORE_KEYS,
  ...ROS_KEYS,
  ...ROS_SECURITY_KEYS,
  ...DISCOVERY_KEYS,
};

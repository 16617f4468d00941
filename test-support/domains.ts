// ROS domains (and so RTPS ports) for tests. Each test file owns fixed offsets and asks
// testDomain(offset) for its domain; the run adds a base (MEDKIT_TEST_DOMAIN_BASE, set per run by
// scripts/test.mjs) so two suites on one machine use disjoint domain ranges.
//
// Offsets are compact so a run spans few domains (DOMAIN_SPAN) and several runs fit in 0..230
// (MAX_DOMAIN: Cyclone's governance parser refuses higher ids):
//   0..59    the suite's own files, one offset per domain a file uses:
//            rtps        0 loopback-discovery, 1 loopback-delivery, 2 loopback-fragments,
//                        3 loopback-qos, 4 fuzz, 5 interop-cyclone, 6 interop-fastdds,
//                        7..16 peers/peers, 17 loopback-late-match, 18..19 interop-late-match,
//                        20 loopback-matching
//            ros2        21 client-loopback, 22..28 peers-interop, 29 fixture-process
//            gateway     30 data-e2e, 31 configurations-e2e, 32 operations-e2e, 33 lifecycle-e2e,
//                        34 logs-e2e, 35..36 operations-peers, 37 ros-feature, 38..39 runtime-peers,
//                        40..41 faults/ros, 42..43 faults/ros-peers, 44..45 faults/signal-history
//            demo        46..47 scenario-e2e (robot, island), 48..49 peer-down (robot, island)
//            web         50 ui-ros-gateway, 51..52 ui-demo (robot, island)
//            mcp         53..54 mcp-demo (robot, island)
//            cli         55 loaded-modules (a default gateway's module set)
//            gateway     58..59 service-interface/service-interface-peers (Cyclone, Fast DDS clients)
//            gateway     56 ros/sros2-denied (a secured gateway whose permissions deny some topics: 403s)
//            plugin-graph 57 topic-detectors-e2e (tf_stale, latency_budget, value rules with Cyclone peers).
//            No suite offset is free any more (180..227 are all handed out too).
//   180..234 offsets handed out to new tests by task; they map to domains base+60..base+114:
//            180 rtps hostile-sequence-numbers, 181 gateway rtps-fuzz, 185..187 rtps flood/probation
//            and gateway discovery-flood, 190..192 gateway http fuzz and CLI start-up failures,
//            195 trigger restart e2e, 200 reference fault-manager file, 201 the bench smoke runs
//            (test/bench-smoke.test.ts: every ROS bench, one after the other), 202..203 demo black box,
//            204 gateway metrics (a ROS gateway's /metrics: RTPS traffic).
//            205..208 rtps keyed topics.
//            209 gateway beacons (beacons-peers); 212 gateway fault-triggers/ros (rules on a ROS topic).
//            196 gateway sovd-resources/ros (modes, data-lists, clear-data, communication-logs).
//            205..208 rtps keyed topics, 217..218 demo process-metrics-e2e (robot, island).
//            213 gateway graph-e2e (graph provider + watchdog), 214, 216 demo graph defects / ui graph,
//            189 plugin-graph node-death-e2e (Cyclone peers); 215 gateway plugins/example-plugin.
//            182 gateway opcua ros-topic (ros2_topic republishing); 183 rtps hostile-stream (forged counts and SNs).
//            184 ros2 node-clients, 188 gateway ros/node-clients (per-node clients bounded by the graph).
//            197 demo:plc runner (test/demo-plc.test.ts).
//            219 demo data-list-scan (the lidar's /scan on data lists).
//            193 cli sros2-startup (SROS2 Enforce / Permissive through `medkit gateway`); SROS2 phase 2:
//            194, 198 rtps security/interop-sros2-fastdds (194: Fast DDS pairs and protected data; 198: handshakes),
//            199 rtps security/secure-participant (medkit to medkit authentication, hostile input).
//            210..211 gateway ros/sros2-peers (the gateway secured through ros.security.*: 210 an authenticated
//            Fast DDS talker, 211 a talker from another CA, refused).
//            SROS2 with Cyclone DDS (issue 29): 220..221 rtps security/interop-sros2-cyclone (220: protected data,
//            221: handshakes and refusals); 222 gateway ros/sros2-vendors (the default gateway secured with
//            Cyclone and Fast DDS nodes: data, operations, parameters, fault reports); 223..224 gateway
//            ros/sros2-peers (223: a talker whose certificate expired, 224: a talker without a grant for /chatter).
//            225..226 demo scenario-secure-e2e (the demo over SROS2: robot, island; web ui-demo's second demo
//            borrows them, and so does test/bench-demo-smoke.test.ts: these files run alone, scripts/test.mjs EXCLUSIVE); 227 gateway
//            ros/rtps-fuzz-secure (a secured gateway fuzzed with mutations of captured secured traffic).
//            Real-ROS safety (issue 52): 228 ros2 discovery-info-layout, 229 and 234 gateway
//            ros/discovery-info-layout (plain, SROS2) (careless Fast DDS readers of ros_discovery_info),
//            230..231 discovery server, 232 type hashes, 233 gateway faults/postgres-ros (PostgreSQL with ROS).
import { DOMAIN_SPAN, MAX_BASE, RESERVED_COUNT, RESERVED_FIRST, SUITE_OFFSETS } from './domain-slots.mjs';

export { DOMAIN_SPAN } from './domain-slots.mjs';

/** The run's domain base (0 when unset). A malformed or too large value is an error, not a silent 0. */
export function domainBase(): number {
  const raw = process.env.MEDKIT_TEST_DOMAIN_BASE;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_BASE) throw new Error(`MEDKIT_TEST_DOMAIN_BASE must be an integer 0..${MAX_BASE} (a run spans ${DOMAIN_SPAN} domains), got '${raw}'`);
  return n;
}

/** Where `offset` lies inside a run's range (0..DOMAIN_SPAN-1). */
export function domainSlotIndex(offset: number): number {
  if (Number.isInteger(offset) && offset >= 0 && offset < SUITE_OFFSETS) return offset;
  if (Number.isInteger(offset) && offset >= RESERVED_FIRST && offset < RESERVED_FIRST + RESERVED_COUNT) return SUITE_OFFSETS + offset - RESERVED_FIRST;
  throw new Error(`test domain offset must be 0..${SUITE_OFFSETS - 1} or ${RESERVED_FIRST}..${RESERVED_FIRST + RESERVED_COUNT - 1}, got ${offset}`);
}

/**
 * The ROS domain for a test's own `offset` in this run. Consecutive offsets give consecutive
 * domains (the demo's safety island runs on its robot's domain + 1).
 */
export function testDomain(offset: number): number {
  return domainBase() + domainSlotIndex(offset);
}

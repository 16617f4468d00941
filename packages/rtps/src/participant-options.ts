// Participant options, their defaults, and the resource limits that keep memory bounded.

import type { PacketSource } from './transport-udp.js';
import type { Locator } from './locator.js';
import type { ProtocolViolationReport } from './receive.js';
import { domainIdFromEnv, localhostOnlyFromEnv } from './port-mapping.js';
import type { ParticipantSecurity } from './participant-security.js';
import { MAX_DISCOVERY_SERVERS, type DiscoveryServerAddress } from './discovery-server-list.js';

/** Caps on everything a remote peer can make us allocate. */
export interface ResourceLimits {
  /** Remote participants tracked at once. */
  maxParticipants: number;
  /** Remote endpoints per remote participant. */
  maxEndpointsPerParticipant: number;
  /** Out-of-order samples buffered per matched writer. */
  maxPendingPerWriter: number;
  /** Largest fragmented sample accepted (bytes). */
  maxSampleSize: number;
  /** Samples reassembled concurrently per writer. */
  maxReassembliesPerWriter: number;
  /**
   * Bytes one writer's reassembly buffers may hold at once: a fragmented sample's buffer is its announced size,
   * allocated at its first fragment (the writer's oldest incomplete samples make room for a new one). At least
   * `maxSampleSize` for samples that large to be accepted.
   */
  maxReassemblyBytesPerWriter: number;
  /** Bytes of all reassembly buffers together (announced sample sizes, as above). */
  reassemblyBudget: number;
  /** Incomplete fragmented samples are dropped after this (ms). */
  reassemblyTimeoutMs: number;
  /** History cap for KEEP_ALL writers and readers. */
  maxSamples: number;
}

export const DEFAULT_LIMITS: ResourceLimits = {
  maxParticipants: 1024,
  maxEndpointsPerParticipant: 4096,
  maxPendingPerWriter: 2048,
  maxSampleSize: 64 * 1024 * 1024,
  maxReassembliesPerWriter: 8,
  maxReassemblyBytesPerWriter: 64 * 1024 * 1024,
  reassemblyBudget: 256 * 1024 * 1024,
  reassemblyTimeoutMs: 10_000,
  maxSamples: 10_000,
};

/**
 * How the remote-participant table resists SPDP floods (SPDP is unauthenticated: anyone can
 * announce made-up participants). See docs/ros2.md "Discovery under flood".
 */
export interface AdmissionLimits {
  /** Longest lease honoured, in seconds: a longer announced lease (up to 0x7fffffff s) is cut to this. */
  maxLeaseSec: number;
  /** New remote participants admitted per second per source address, sustained. */
  newPerSourcePerSec: number;
  /** New remote participants one source address may announce at once (a launch of many nodes). */
  newPerSourceBurst: number;
  /** Source addresses tracked by the rate limit (memory bound). */
  maxTrackedSources: number;
  /**
   * Unproven participants whose built-in readers we match with our writers at once (our writers
   * heartbeat every matched reader). Newcomers past it, and every unproven one while the table is
   * under pressure, are on probation: we hear their SEDP and liveliness, and match our writers
   * once they proved themselves.
   */
  maxUnprovenLinked: number;
  /** The table counts as under pressure once this share of maxParticipants is used (0..1). */
  pressureRatio: number;
  /** ... and for this long after an eviction, a refusal or a rate-limited newcomer (ms). */
  pressureHoldMs: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = {
  maxLeaseSec: 300,
  newPerSourcePerSec: 32,
  newPerSourceBurst: 256,
  maxTrackedSources: 4096,
  maxUnprovenLinked: 64,
  pressureRatio: 0.9,
  pressureHoldMs: 10_000,
};

/**
 * A hook that sees every datagram; return false to drop it (tests inject loss with it). An incoming datagram whose
 * fragment payload was received in place (packages/rtps/README.md, "Fragments received in place") is seen without it.
 */
export interface PacketFilter {
  outgoing?(data: Buffer, to: Locator): boolean;
  incoming?(data: Buffer, from: PacketSource): boolean;
}

export interface ParticipantOptions {
  /** Default: ROS_DOMAIN_ID, else 0. */
  domainId?: number;
  /** Only 127.0.0.1 (default: ROS_LOCALHOST_ONLY=1 or ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST). */
  localhostOnly?: boolean;
  /** Addresses swept with unicast SPDP (ports of participant indexes 0..peerIndexCount-1). Localhost-only adds 127.0.0.1. */
  initialPeers?: string[];
  /** How many participant indexes to sweep per peer (default 32). */
  peerIndexCount?: number;
  /** Interface names or IPv4 addresses to use (default: all external IPv4). */
  interfaces?: string[];
  /** Use SPDP multicast 239.255.0.1 (default true unless localhost-only). */
  multicast?: boolean;
  /** Participant USER_DATA; ROS puts `enclave=/;`. */
  userData?: string | Uint8Array;
  /** Our lease duration (default 20 s). We re-announce every third of it (at most 5 s). */
  leaseDurationSec?: number;
  /** PID_ENTITY_NAME announced (Fast DDS puts the enclave there). */
  name?: string;
  /** Highest participant index tried for our own ports (default 119). */
  maxParticipantIndex?: number;
  /** Largest DATA payload before fragmenting, and the fragment size (default 14336). */
  fragmentSize?: number;
  /** Reliable writer heartbeat period while unacknowledged data exists (default 100 ms). */
  heartbeatPeriodMs?: number;
  limits?: Partial<ResourceLimits>;
  /** Flood defences of the remote-participant table (lease clamp, per-source rate limit, pressure). */
  admission?: Partial<AdmissionLimits>;
  packetFilter?: PacketFilter;
  /**
   * Told once per peer (GUID prefix) whose datagrams break a protocol rule, at most 10 times a
   * minute; such datagrams are ignored from the offending submessage on and counted in
   * `stats.violations`. Default: one `console.warn` line per report.
   */
  onProtocolViolation?: (violation: ProtocolViolationReport) => void;
  /**
   * DDS-Security (from `@medkit/rtps/security`, e.g. `participantSecurity()`): authentication of remote
   * participants before matching them. Default: none, the participant is plain RTPS.
   */
  security?: ParticipantSecurity;
  /**
   * Fast DDS Discovery Servers to be a super client of (the whole graph is relayed to us); docs/ros2.md "Fast DDS
   * Discovery Server". Default none. With servers, `multicast` defaults to false, as for a Fast DDS client.
   */
  discoveryServers?: DiscoveryServerAddress[];
}

export interface ResolvedOptions {
  domainId: number;
  localhostOnly: boolean;
  initialPeers: string[];
  peerIndexCount: number;
  interfaces?: string[];
  multicast: boolean;
  userData: Buffer;
  leaseDurationSec: number;
  name?: string;
  maxParticipantIndex: number;
  fragmentSize: number;
  heartbeatPeriodMs: number;
  limits: ResourceLimits;
  admission: AdmissionLimits;
  packetFilter?: PacketFilter;
  onProtocolViolation: (violation: ProtocolViolationReport) => void;
  security?: ParticipantSecurity;
  discoveryServers: DiscoveryServerAddress[];
}

function warnViolation(v: ProtocolViolationReport): void {
  const more = v.suppressed > 0 ? ` (${v.suppressed} more peers since the last report not shown)` : '';
  console.warn(`medkit rtps: peer ${v.peer} violates the RTPS protocol (${v.message}); its offending datagrams are ignored${more}`);
}

export function resolveOptions(o: ParticipantOptions): ResolvedOptions {
  const localhostOnly = o.localhostOnly ?? localhostOnlyFromEnv();
  const peers = [...(o.initialPeers ?? [])];
  if (localhostOnly && !peers.includes('127.0.0.1')) peers.push('127.0.0.1');
  const domainId = o.domainId ?? domainIdFromEnv();
  if (!Number.isInteger(domainId) || domainId < 0 || domainId > 232) throw new RangeError(`domain id ${domainId} out of range 0..232`);
  const discoveryServers = [...(o.discoveryServers ?? [])];
  if (discoveryServers.length > MAX_DISCOVERY_SERVERS) throw new RangeError(`${discoveryServers.length} discovery servers: at most ${MAX_DISCOVERY_SERVERS} are supported`);
  if (discoveryServers.length > 0 && o.security) throw new Error('discovery servers together with DDS-Security are not supported');
  return {
    domainId,
    localhostOnly,
    initialPeers: peers,
    peerIndexCount: o.peerIndexCount ?? 32,
    interfaces: o.interfaces,
    multicast: o.multicast ?? (!localhostOnly && discoveryServers.length === 0),
    userData: o.userData === undefined ? Buffer.alloc(0) : typeof o.userData === 'string' ? Buffer.from(o.userData) : Buffer.from(o.userData),
    leaseDurationSec: o.leaseDurationSec ?? 20,
    name: o.name,
    maxParticipantIndex: o.maxParticipantIndex ?? 119,
    fragmentSize: Math.max(256, Math.min(60_000, o.fragmentSize ?? 14336)),
    heartbeatPeriodMs: o.heartbeatPeriodMs ?? 100,
    limits: { ...DEFAULT_LIMITS, ...(o.limits ?? {}) },
    admission: resolveAdmission(o.admission),
    packetFilter: o.packetFilter,
    onProtocolViolation: o.onProtocolViolation ?? warnViolation,
    security: o.security,
    discoveryServers,
  };
}

/** Admission limits with defaults filled in and every value forced into a usable range. */
export function resolveAdmission(a: Partial<AdmissionLimits> = {}): AdmissionLimits {
  const m = { ...DEFAULT_ADMISSION, ...a };
  const num = (v: number, min: number, max: number, def: number) => (Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def);
  return {
    maxLeaseSec: num(m.maxLeaseSec, 1, 86_400, DEFAULT_ADMISSION.maxLeaseSec),
    newPerSourcePerSec: num(m.newPerSourcePerSec, 0.01, 1_000_000, DEFAULT_ADMISSION.newPerSourcePerSec),
    newPerSourceBurst: Math.floor(num(m.newPerSourceBurst, 1, 1_000_000, DEFAULT_ADMISSION.newPerSourceBurst)),
    maxTrackedSources: Math.floor(num(m.maxTrackedSources, 1, 1_000_000, DEFAULT_ADMISSION.maxTrackedSources)),
    maxUnprovenLinked: Math.floor(num(m.maxUnprovenLinked, 0, 1_000_000, DEFAULT_ADMISSION.maxUnprovenLinked)),
    pressureRatio: num(m.pressureRatio, 0, 1, DEFAULT_ADMISSION.pressureRatio),
    pressureHoldMs: num(m.pressureHoldMs, 0, 3_600_000, DEFAULT_ADMISSION.pressureHoldMs),
  };
}

/** Whether an incoming datagram passes the test filter (ParticipantOptions.packetFilter); a throwing filter refuses it. */
export function incomingPasses(filter: ((data: Buffer, from: PacketSource) => boolean) | undefined, data: Buffer, from: PacketSource): boolean {
  if (!filter) return true;
  try {
    return filter(data, from);
  } catch {
    return false;
  }
}

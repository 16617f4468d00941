// Participant options, their defaults, and the resource limits that keep memory bounded.

import type { PacketSource } from './transport-udp.js';
import type { Locator } from './locator.js';
import type { ProtocolViolationReport } from './receive.js';
import { domainIdFromEnv, localhostOnlyFromEnv } from './port-mapping.js';

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
  /** Bytes of all reassembly buffers together. */
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
  reassemblyBudget: 256 * 1024 * 1024,
  reassemblyTimeoutMs: 10_000,
  maxSamples: 10_000,
};

/** A hook that sees every datagram; return false to drop it (tests inject loss with it). */
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
  packetFilter?: PacketFilter;
  /**
   * Told once per peer (GUID prefix) whose datagrams break a protocol rule, at most 10 times a
   * minute; such datagrams are ignored from the offending submessage on and counted in
   * `stats.violations`. Default: one `console.warn` line per report.
   */
  onProtocolViolation?: (violation: ProtocolViolationReport) => void;
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
  packetFilter?: PacketFilter;
  onProtocolViolation: (violation: ProtocolViolationReport) => void;
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
  return {
    domainId,
    localhostOnly,
    initialPeers: peers,
    peerIndexCount: o.peerIndexCount ?? 32,
    interfaces: o.interfaces,
    multicast: o.multicast ?? !localhostOnly,
    userData: o.userData === undefined ? Buffer.alloc(0) : typeof o.userData === 'string' ? Buffer.from(o.userData) : Buffer.from(o.userData),
    leaseDurationSec: o.leaseDurationSec ?? 20,
    name: o.name,
    maxParticipantIndex: o.maxParticipantIndex ?? 119,
    fragmentSize: Math.max(256, Math.min(60_000, o.fragmentSize ?? 14336)),
    heartbeatPeriodMs: o.heartbeatPeriodMs ?? 100,
    limits: { ...DEFAULT_LIMITS, ...(o.limits ?? {}) },
    packetFilter: o.packetFilter,
    onProtocolViolation: o.onProtocolViolation ?? warnViolation,
  };
}

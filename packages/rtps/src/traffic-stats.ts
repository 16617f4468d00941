// Traffic counters of one participant (Participant.trafficStats()), for monitoring (a gateway's /metrics).
// Plain numbers bumped on the socket paths: no allocation per datagram, read on demand.

import type { SendBudgetStats } from './send-budget.js';

/** What a participant has sent and received, and the size of its own and the remote endpoint tables. */
export interface TrafficStats {
  /** Remote participants known now (admitted by SPDP, not yet gone). */
  participants: number;
  /** This participant's own readers and writers (user topics; the built-in discovery endpoints are not counted). */
  readers: number;
  writers: number;
  /** Datagrams and bytes received on every socket (multicast included), before any filter. */
  datagramsIn: number;
  bytesIn: number;
  /** Received datagrams whose DATA_FRAG payload went straight into its sample (fragments received in place). */
  placedIn: number;
  /** Datagrams and bytes handed to the socket. */
  datagramsOut: number;
  bytesOut: number;
  /** Received datagrams dropped: malformed, a protocol violation, or refused by the packet filter. */
  droppedIn: number;
  /** Datagrams the socket failed to send (unreachable destination, buffer full). */
  droppedOut: number;
  /**
   * Datagrams (per destination) not sent: past what an unproven participant sent us, or to a locator no known
   * participant announces any more (send-budget.ts: not a reflector).
   */
  heldBackOut: number;
  /** Streams of our readers stuck on data their writers announce (stuck-streams.ts). */
  stuckStreams: number;
  /** Samples our readers saw conflict with one delivered under the same SN (sample-digests.ts): forged in a writer's name. */
  samplesConflicting: number;
}

/** The send side's counters, kept by the UDP transport. */
export interface SendCounters {
  datagrams: number;
  bytes: number;
  errors: number;
}

/** The receive side's counters, kept by the participant (per datagram, before the receive path). */
export interface ReceiveCounters {
  datagrams: number;
  bytes: number;
  filtered: number;
  placed: number;
}

/** Assembles the figures: `local` is the participant's own user endpoints, `malformed` the receive path's count. */
export function collectTrafficStats(participants: number, local: Iterable<{ kind: 'reader' | 'writer' }>, received: ReceiveCounters, malformed: number, sent: SendCounters, streams: { stuck: number; samplesConflicting: number }, held?: SendBudgetStats): TrafficStats {
  let readers = 0;
  let writers = 0;
  for (const e of local) {
    if (e.kind === 'reader') readers++;
    else writers++;
  }
  return {
    participants,
    readers,
    writers,
    datagramsIn: received.datagrams,
    bytesIn: received.bytes,
    placedIn: received.placed,
    datagramsOut: sent.datagrams,
    bytesOut: sent.bytes,
    droppedIn: received.filtered + malformed,
    droppedOut: sent.errors,
    heldBackOut: held ? held.withheld + held.unknown : 0,
    stuckStreams: streams.stuck,
    samplesConflicting: streams.samplesConflicting,
  };
}

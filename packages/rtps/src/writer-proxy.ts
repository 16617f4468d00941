// A matched remote writer as one of our reliable readers keeps it (the writer proxy of RTPS 8.4.10), and a change
// as received from it. The reader's protocol is reliable-reader.ts.

import type { CountGate } from './count-gate.js';
import type { FragmentReassembly } from './fragment-reassembly.js';
import type { FragmentRepair } from './fragment-repair.js';
import type { Guid } from './guid.js';
import type { Locator } from './locator.js';
import { ownBytes } from './own-bytes.js';
import type { PendingChanges } from './pending-changes.js';
import type { SampleDigests } from './sample-digests.js';
import type { RtpsTime } from './time.js';
import type { WrittenEvidence } from './writer-claims.js';

/** A change as received, before any interpretation. */
export interface ReceivedChange {
  writerGuid: Guid;
  sn: number;
  /** Serialized payload or key; undefined for DATA without D/K. */
  payload?: Buffer;
  key: boolean;
  inlineQos?: Buffer;
  inlineLe: boolean;
  timestamp?: RtpsTime;
  vendorId: number;
  /** A reassembled sample's buffer (`payload` is it or its start): what a lending reader gives back (giveBack). */
  backing?: Buffer;
}

/** `c` as it may be kept (the stash, a giving reader): a DATA's payload, a view of the datagram, as own-bytes.ts says. */
export function keptChange(c: ReceivedChange): ReceivedChange {
  if (!c.payload || c.backing) return c;
  const own = ownBytes(c.payload);
  return own === c.payload ? c : { ...c, payload: own };
}

/** A matched remote writer as seen by one of our readers. */
export interface WriterProxy {
  guid: Guid;
  prefix: Buffer;
  entityId: number;
  vendorId: number;
  locators: Locator[];
  reliable: boolean;
  /** The writer offers TRANSIENT_LOCAL (or stronger) durability: it keeps history for late joiners. */
  writerTransientLocal: boolean;
  /** The start point is known (first HEARTBEAT, or a GAP from SN 1); before that, changes wait in `pending`. */
  synced: boolean;
  /** Next SN to deliver. */
  nextExpected: number;
  /**
   * Volatile reader that started at the first HEARTBEAT's `first`: the `last` of that HEARTBEAT.
   * SNs up to it may predate the writer's match of us; if the writer neither sends nor GAPs
   * them, we stop waiting for them (see PRESYNC_*). Cleared once delivery passes it.
   */
  presyncHigh?: number;
  /** nextExpected at the last heartbeat, heartbeats since it last moved, and when it did (ms). */
  presyncAt: number;
  presyncStalls: number;
  presyncProgressAt: number;
  /** Out-of-order samples (null = known irrelevant, from GAP), bounded in count and bytes (pending-changes.ts). */
  pending: PendingChanges<ReceivedChange>;
  /** A GAP range [start, base) too long to stash that came before the first HEARTBEAT. */
  earlyGap?: { start: number; base: number };
  /** HEARTBEAT and HEARTBEAT_FRAG counts, apart (RTPS 8.3.7.6; Cyclone DDS keeps two counters); count-gate.ts. */
  heartbeatCounts: CountGate;
  heartbeatFragCounts: CountGate;
  /**
   * The sample the writer's latest HEARTBEAT_FRAG was about and the fragments it said were sent (0: none heard):
   * fragments past them may still be on their way, samples after it are not asked for between HEARTBEATs.
   */
  liveSn: number;
  liveLastFrag: number;
  /** The fragment repair under way with this writer (fragment-repair.ts). */
  repair?: FragmentRepair;
  /**
   * Samples of this writer we passed over without receiving them, after the start point: a HEARTBEAT said the
   * writer no longer has them (a KEEP_LAST history overwrote them before they were repaired) or a GAP said it will
   * not send them. DDS calls these lost samples.
   */
  lost: number;
  /** The highest SN its HEARTBEATs announced and when, and when our next expected SN last moved (stuck-streams.ts). */
  owedHigh: number;
  progressSn: number;
  progressAt: number;
  announcedAt: number;
  /** What the writer has shown it wrote: how far its HEARTBEATs and GAPs may move us (writer-claims.ts). */
  written: WrittenEvidence;
  /** The last ACKNACK and NACK_FRAG counts we sent it (they start at the reader's highest: see ReliableReader.counts). */
  ackNackCount: number;
  /**
   * When we last asked this writer for every missing sample, and the highest SN asked since (NACK suppression:
   * only SNs above it are asked before NACK_REPEAT_MS has passed).
   */
  lastNackAt?: number;
  lastNackHigh?: number;
  nackFragCount: number;
  /** Until the writer's first HEARTBEAT: when to send the next pre-emptive ACKNACK, and the wait after it (ms). */
  preemptAt: number;
  preemptDelay: number;
  /** Pre-emptive ACKNACKs still sent 1 s apart before the wait starts doubling. */
  preemptQuickLeft: number;
  /** Samples being reassembled from DATA_FRAG; made on the first fragment (most writers never fragment). */
  frags?: FragmentReassembly;
  /** A reliable transient-local writer's last delivered samples, to see a repeat that disagrees (sample-digests.ts). */
  digests?: SampleDigests;
}

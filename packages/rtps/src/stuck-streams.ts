// A reliable stream that no longer moves while its writer says it has data for us: the writer's HEARTBEATs keep
// announcing SNs we cannot get (repairs never arrive, a claim we refuse, a bug), and the reader stays where it is.
// Before, such a reader looked exactly like a quiet topic: nothing told an operator that a node's data or its
// service requests no longer reached the gateway. Now the participant names each one (Participant.stuckStreams()),
// the gateway's /health says `degraded` with the topic and node, and a metric counts them.

import type { Guid } from './guid.js';

/** How long a stream may sit on SNs its writer announces before it counts as stuck (ms): many repair rounds. */
export const STUCK_AFTER_MS = 5000;

/** What a writer proxy keeps for this (writer-proxy.ts). */
export interface StreamProgress {
  synced: boolean;
  reliable: boolean;
  nextExpected: number;
  /** The highest SN the writer's HEARTBEATs announced (within what it could have written). */
  owedHigh: number;
  /** nextExpected when it last moved (or when the writer owed us nothing), and when (ms). */
  progressSn: number;
  progressAt: number;
}

/** One stuck stream of one of our readers. */
export interface StuckStream {
  /** The reader's topic (DDS name, e.g. `rt/chatter`; built-in discovery readers: `DCPSPublication`, ...). */
  topic: string;
  writerGuid: Guid;
  /** Since when (ms, Date.now()) it has not moved. */
  since: number;
  /** The SN we wait for, and the highest the writer announced. */
  nextExpected: number;
  owedHigh: number;
}

/** Called on each HEARTBEAT the reader acted on: `owed` is its `last`, capped at what the writer could have written. */
export function noteHeartbeat(p: StreamProgress, owed: number, now: number): void {
  p.owedHigh = owed;
  if (p.nextExpected !== p.progressSn || owed < p.nextExpected) {
    p.progressSn = p.nextExpected;
    p.progressAt = now;
  }
}

/** Since when the stream is stuck, or undefined when it moves (or owes us nothing). */
export function stuckSince(p: StreamProgress, now: number): number | undefined {
  if (!p.reliable || !p.synced || p.nextExpected !== p.progressSn || p.owedHigh < p.nextExpected) return undefined;
  return now - p.progressAt >= STUCK_AFTER_MS ? p.progressAt : undefined;
}

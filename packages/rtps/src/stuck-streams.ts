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
  /** When the writer last announced anything (its last HEARTBEAT acted on, ms). */
  announcedAt: number;
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

/** The progress fields of a new writer proxy: nothing announced yet. */
export function freshProgress(now: number): Pick<StreamProgress, 'owedHigh' | 'progressSn' | 'progressAt' | 'announcedAt'> {
  return { owedHigh: 0, progressSn: 1, progressAt: now, announcedAt: 0 };
}

/** Called on each HEARTBEAT the reader acted on: `owed` is its `last`, capped at what the writer could have written. */
export function noteHeartbeat(p: StreamProgress, owed: number, now: number): void {
  p.owedHigh = owed;
  p.announcedAt = now;
  if (p.nextExpected !== p.progressSn || owed < p.nextExpected) {
    p.progressSn = p.nextExpected;
    p.progressAt = now;
  }
}

/**
 * Since when the stream is stuck, or undefined when it moves, owes us nothing, or its writer fell silent (a writer
 * that stopped announcing is a dead or paused peer, which its lease reports, not a stream we fail to follow).
 */
export function stuckSince(p: StreamProgress, now: number): number | undefined {
  if (!p.reliable || !p.synced || p.nextExpected !== p.progressSn || p.owedHigh < p.nextExpected) return undefined;
  if (now - p.announcedAt >= STUCK_AFTER_MS) return undefined;
  return now - p.progressAt >= STUCK_AFTER_MS ? p.progressAt : undefined;
}

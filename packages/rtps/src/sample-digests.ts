// What a reliable reader remembers of the last samples it delivered from a transient-local writer, to tell a
// retransmission (the same bytes again) from a conflicting sample at an SN already taken. Without DDS-Security anyone
// on the network can send a DATA in a writer's name; one at the SN the writer uses next is delivered, and the writer's
// own sample at that SN is then dropped as a repeat. A stream corrects itself at its next sample; a writer that writes
// only on change (a latched status, /tf_static, a parameter the node announces once) would keep the forged value until
// it changes again, and lose that change. Seeing the two disagree is the cue to read the writer again (Reader.readAgain).
// Only the payload counts: a retransmission may carry other inline QoS. Fragmented repeats are dropped before they
// are reassembled, so they are not compared (packages/rtps/README.md "Not covered").

import { createHash } from 'node:crypto';

/** How many of a writer's latest delivered SNs are remembered (a forged DATA takes the next one or few). */
export const DIGESTS_PER_WRITER = 8;

/** A 16-byte digest of a sample's payload (a forger cannot aim at a sample that has not been written yet). */
function digestOf(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('base64').slice(0, 22);
}

/** The digests of the last DIGESTS_PER_WRITER samples delivered from one writer, by SN. */
export class SampleDigests {
  private readonly sns: number[] = [];
  private readonly digests: string[] = [];
  private next = 0;

  /** Remembers `payload` as delivered at `sn` (the oldest remembered SN makes room). */
  note(sn: number, payload: Buffer): void {
    this.sns[this.next] = sn;
    this.digests[this.next] = digestOf(payload);
    this.next = (this.next + 1) % DIGESTS_PER_WRITER;
  }

  /** True when a sample delivered at `sn` is remembered and `payload` is not its bytes. */
  conflicts(sn: number, payload: Buffer): boolean {
    const i = this.sns.indexOf(sn);
    return i >= 0 && this.digests[i] !== digestOf(payload);
  }
}

/** What a reader keeps of the conflicts one writer's samples raised, for /health (Participant.conflictingStreams). */
export interface ConflictRecord {
  /** Conflicts seen from this writer while it was matched. */
  count: number;
  /** The SN of the latest conflict, and when the first and latest were seen (ms, Date.now()). */
  lastSequenceNumber: number;
  firstAt: number;
  lastAt: number;
}

/** One writer of one of our readers whose samples conflicted with what was delivered under the same SN. */
export interface ConflictingStream extends ConflictRecord {
  /** The reader's topic (DDS name; the built-in discovery readers: `DCPSPublication`, ...). */
  topic: string;
  writerGuid: string;
}

/**
 * One reader's conflicts: the total, and a record per writer. Kept beside the writer proxies, not on them: reading a
 * writer again (the answer to a conflict) gives it a fresh proxy, and the record must outlive that. Records of writers
 * no longer matched are dropped once they outnumber the matched writers by {@link STALE_CONFLICT_RECORDS}.
 */
export class ConflictLog {
  total = 0;
  private readonly byWriter = new Map<string, ConflictRecord>();

  /** Counts a conflict at `sn` from `writerGuid`; `matched` tells which writers are still matched (for the bound). */
  note(writerGuid: string, sn: number, now: number, matched: ReadonlyMap<string, unknown>): void {
    this.total++;
    let c = this.byWriter.get(writerGuid);
    if (!c) {
      if (this.byWriter.size >= matched.size + STALE_CONFLICT_RECORDS) for (const g of this.byWriter.keys()) if (!matched.has(g)) this.byWriter.delete(g);
      c = { count: 0, lastSequenceNumber: sn, firstAt: now, lastAt: now };
      this.byWriter.set(writerGuid, c);
    }
    c.count++;
    c.lastSequenceNumber = sn;
    c.lastAt = now;
  }

  /** The records of writers still matched. */
  *matched(matched: ReadonlyMap<string, unknown>): Iterable<[string, ConflictRecord]> {
    for (const e of this.byWriter) if (matched.has(e[0])) yield e;
  }
}

/** Records of writers gone that a reader may keep before it drops them (ConflictLog). */
export const STALE_CONFLICT_RECORDS = 16;

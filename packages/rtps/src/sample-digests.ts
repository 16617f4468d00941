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

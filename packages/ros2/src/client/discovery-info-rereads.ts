/**
 * ros_discovery_info read again after it changed (docs/ros2.md "One forged datagram changes nothing"). A node's
 * ros_discovery_info writer is transient-local and writes only when its nodes change, and without SROS2 anyone can
 * send a DATA in its name at the SN it uses next: that forged node list (nodes gone, or made up) replaced the real
 * one, and the writer's own next sample at that SN then looked like a repeat: both lost for good. So a writer whose
 * sample changed what we know is read again REREAD_DELAY_MS later from its first SN (Reader.readAgain): what it really
 * holds comes back (an unchanged repeat changes nothing), and its next sample is news. At most once every
 * REREAD_MIN_INTERVAL_MS per writer; one entry per writer heard, forgotten with its participant.
 */
import { createHash } from 'node:crypto';
import type { Guid } from '@medkit/rtps';

export const REREAD_DELAY_MS = 1000;
export const REREAD_MIN_INTERVAL_MS = 15_000;

export class DiscoveryInfoRereads {
  /**
   * Per writer: a digest of the last payload taken (not a copy: a peer's samples may be large, and each writer it
   * announces has an entry), when it was last read again, and a read planned.
   */
  readonly #writers = new Map<Guid, { digest: string; lastAt: number; timer?: NodeJS.Timeout }>();
  /** Reads done since start (diagnostics, tests). */
  rereads = 0;

  constructor(private readonly readAgain: (writerGuid: Guid) => boolean) {}

  /** A sample of `writerGuid` was taken; plans a read again when it changed what that writer said before. */
  taken(writerGuid: Guid, payload: Buffer, now = Date.now()): void {
    const digest = createHash('sha256').update(payload).digest('base64');
    const w = this.#writers.get(writerGuid);
    if (!w) {
      // The first sample of a writer: nothing to compare with (a forged first one is read again at its next change).
      this.#writers.set(writerGuid, { digest, lastAt: -Infinity });
      return;
    }
    if (w.digest === digest) return;
    w.digest = digest;
    if (w.timer) return;
    const at = Math.max(now + REREAD_DELAY_MS, w.lastAt + REREAD_MIN_INTERVAL_MS);
    w.timer = setTimeout(() => {
      w.timer = undefined;
      w.lastAt = Date.now();
      if (this.readAgain(writerGuid)) this.rereads++;
    }, at - now);
    w.timer.unref?.();
  }

  /** The writers of participant `prefix` left with it. */
  forgetParticipant(prefix: string): void {
    for (const [g, w] of this.#writers) {
      if (!g.startsWith(prefix)) continue;
      clearTimeout(w.timer);
      this.#writers.delete(g);
    }
  }

  close(): void {
    for (const w of this.#writers.values()) clearTimeout(w.timer);
    this.#writers.clear();
  }
}

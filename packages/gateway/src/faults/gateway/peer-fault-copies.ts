// The last relayed item of each peer fault, and which merged view it was told to (shown, or muted), so that when
// this gateway's correlation hides or releases a peer's fault without an event of the peer (a cluster hiding its
// members after the fact, a local root cause cleared, the root's gateway gone) the merged stream can tell it at once
// (docs/faults.md "Muted symptoms on the stream"). Bounded: a peer may send any number of codes and items of any size.
import { isJsonObject, relayedFault, type RelayedFaultEvent } from './relayed-event.js';

/** Codes kept per peer (the oldest told is forgotten first). */
export const MAX_COPIES_PER_PEER = 2048;
/** Size of what is kept per peer (each relayed event's JSON text as received, else its item's). */
export const MAX_COPY_BYTES_PER_PEER = 4 * 1024 * 1024;
/** An event (else item) whose JSON text is longer than this is not kept: its fault's change waits for its next event. */
export const MAX_COPY_BYTES = 64 * 1024;

interface Copy {
  fault: Record<string, unknown>;
  /** The relayed event's `x-medkit` (the peer's name, the gateways it passed through). */
  xMedkit: Record<string, unknown>;
  bytes: number;
  /** What the merged stream last said of it: muted (true) or shown. */
  hidden: boolean;
}

/** A visibility change of a kept peer fault, as the event the merged stream should carry. */
export interface VisibilityChange {
  hidden: boolean;
  event: RelayedFaultEvent;
}

export class PeerFaultCopies {
  private readonly byPeer = new Map<string, { copies: Map<string, Copy>; bytes: number }>();

  /** Keeps the item of `e` as its fault's copy (told as `hidden` or shown); a cleared fault's copy is dropped. */
  note(e: RelayedFaultEvent, hidden: boolean): void {
    const relayed = relayedFault(e);
    if (!relayed) return;
    const { fault, code } = relayed;
    const peer = this.peer(e.peer);
    this.drop(peer, code);
    if (fault.status === 'CLEARED') return;
    // The whole event's text bounds its item's; measured only when the relay did not say.
    const bytes = e.data_length ?? JSON.stringify(fault).length;
    if (bytes > MAX_COPY_BYTES) return;
    const xMedkit = isJsonObject(e.data['x-medkit']) ? e.data['x-medkit'] : {};
    peer.copies.set(code, { fault, xMedkit, bytes, hidden });
    peer.bytes += bytes;
    for (const oldest of peer.copies.keys()) {
      if (peer.copies.size <= MAX_COPIES_PER_PEER && peer.bytes <= MAX_COPY_BYTES_PER_PEER) break;
      this.drop(peer, oldest);
    }
  }

  /** Forgets what a peer sent (it went offline: its faults leave the merged views with it). */
  forget(peer: string): void {
    this.byPeer.delete(peer);
  }

  /**
   * The kept faults whose visibility differs from what was told, each as the `fault_updated` to tell now (marked as
   * told). `hiddenUnder` is correlation's current rule.
   */
  changes(hiddenUnder: (code: string) => string | undefined, nowMs: number): VisibilityChange[] {
    const out: VisibilityChange[] = [];
    for (const [peer, { copies }] of this.byPeer) {
      for (const [code, c] of copies) {
        const root = hiddenUnder(code);
        if ((root !== undefined) === c.hidden) continue;
        c.hidden = root !== undefined;
        const data: Record<string, unknown> = { event_type: 'fault_updated', fault: c.fault, timestamp: nowMs / 1000, 'x-medkit': c.xMedkit };
        out.push({ hidden: c.hidden, event: { peer, event: 'fault_updated', data, ...(root !== undefined ? { root_cause_code: root } : {}) } });
      }
    }
    return out;
  }

  /** Kept copies, over all peers (for tests and health). */
  get size(): number {
    let n = 0;
    for (const p of this.byPeer.values()) n += p.copies.size;
    return n;
  }

  private peer(name: string): { copies: Map<string, Copy>; bytes: number } {
    let p = this.byPeer.get(name);
    if (!p) this.byPeer.set(name, (p = { copies: new Map(), bytes: 0 }));
    return p;
  }

  private drop(p: { copies: Map<string, Copy>; bytes: number }, code: string): void {
    const c = p.copies.get(code);
    if (!c) return;
    p.copies.delete(code);
    p.bytes -= c.bytes;
  }
}

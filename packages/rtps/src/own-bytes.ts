// What a reader keeps of a received view: the native receiver hands on each datagram as a view of its 512 KiB slab
// (native-udp.ts), and one datagram may carry far more than one small sample; a kept 1 KiB sample must not hold a
// slab of other traffic. What keeps a view past the datagram's handling takes it through here: the receive path once
// for the readers that give their payloads (a lending reader gets the view), the out-of-order stash for any reader,
// the key of an instance change.
//
// The copy is made here, not with Buffer.from: Buffer's shared pool is a Node.js choice (8 KiB up to Node 22, 64 KiB on
// Node 24, which pools anything under 32 KiB), and a kept 1 KiB copy holds the whole pool chunk it was cut from, for as
// long as it is kept, whatever else was in it. The bound below must hold on every runtime we ship or develop on.

/**
 * What a view may leave shared with the rest of its buffer when kept (bytes, and at most as much again as the view
 * itself): past that, a kept view becomes its own copy.
 */
const RETAIN_SLACK = 16 * 1024;

/** Copies share chunks of this size (as Buffer's pool did up to Node 22), so a kept copy holds at most one chunk. */
const CHUNK = 8 * 1024;
/** Copies up to this size are cut from a chunk; longer ones get a buffer of exactly their size. */
const SHARED_MAX = CHUNK / 2;

let chunk: ArrayBuffer | undefined;
let chunkUsed = CHUNK;

/**
 * A copy of `view` in memory of its own: a buffer of exactly its size, or when small a part of an 8 KiB chunk shared
 * only with other such copies. Either way what it keeps alive is at most max(its size, 8 KiB) on any Node.js.
 */
export function ownCopy(view: Uint8Array): Buffer {
  const n = view.length;
  if (n > SHARED_MAX) {
    const b = Buffer.allocUnsafeSlow(n);
    b.set(view);
    return b;
  }
  if (chunkUsed + n > CHUNK) {
    chunk = new ArrayBuffer(CHUNK);
    chunkUsed = 0;
  }
  const b = Buffer.from(chunk!, chunkUsed, n);
  b.set(view);
  // 8-byte aligned, as Buffer's pool keeps its cuts, so typed views over a copy stay aligned.
  chunkUsed = (chunkUsed + n + 7) & ~7;
  return b;
}

/**
 * A buffer of `size` bytes that holds nothing else (never a cut of Buffer's pool, which on Node 24 takes anything
 * under 32 KiB): for a sample being reassembled, which may be kept or lent as it is.
 */
export function ownBuffer(size: number): Buffer {
  return Buffer.allocUnsafeSlow(size);
}

/** `view` as it may be kept: its own bytes when the buffer under it is much larger, else itself. */
export function ownBytes(view: Buffer): Buffer {
  const backing = view.buffer.byteLength;
  return backing - view.length > RETAIN_SLACK && backing > 2 * view.length ? ownCopy(view) : view;
}

// What a reader keeps of a received view: the native receiver hands on each datagram as a view of its 512 KiB slab
// (native-udp.ts), and one datagram may carry far more than one small sample; a kept 1 KiB sample must not hold a
// slab of other traffic. What keeps a view past the datagram's handling takes it through here: the receive path once
// for the readers that give their payloads (a lending reader gets the view), the out-of-order stash for any reader,
// the key of an instance change.

/**
 * What a view may leave shared with the rest of its buffer when kept (bytes, and at most as much again as the view
 * itself): past that, a kept view becomes its own copy.
 */
const RETAIN_SLACK = 16 * 1024;

/** `view` as it may be kept: its own bytes when the buffer under it is much larger, else itself. */
export function ownBytes(view: Buffer): Buffer {
  const backing = view.buffer.byteLength;
  return backing - view.length > RETAIN_SLACK && backing > 2 * view.length ? Buffer.from(view) : view;
}

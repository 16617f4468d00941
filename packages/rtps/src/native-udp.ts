// A UDP socket read by the addon in batches (native/udp_receive.c): one recvmmsg takes up to BATCH datagrams, the
// addon copies them into its current slab Buffer (512 KiB, a new one when full), or after a batch of large datagrams of
// about one size receives the next batch straight into it (a longer datagram then comes in a Buffer of its own), and
// calls back once per datagram with that Buffer, its index and its offset, through a callback scope as dgram does (promise jobs run between two datagrams:
// handlers see the same ordering as with dgram); lengths and senders are in typed arrays given to it once. Each
// datagram is handed on as a view of the slab, as dgram hands on a Buffer per datagram; a sample a reader keeps gets
// its own bytes when the slab is much larger (receive.ts, ownBytes), so it never holds the slab. The sender's address
// object is made once per sender.
import { rtpsAddon } from './native-addon.js';

/** Datagrams the addon reads per batch (its BATCH); the typed arrays it fills have this many entries. */
const BATCH = 64;
/** Senders whose address objects are kept; past it the cache starts again (a sender is a peer's socket). */
const MAX_SOURCES = 256;

/** A datagram's sender, as dgram's rinfo gives it (address and port only). */
export interface DatagramSource {
  readonly address: string;
  readonly port: number;
}

/** Whether the addon can receive here (it is built and loaded). */
export const nativeReceiveAvailable = rtpsAddon !== undefined;

export class NativeUdpReceiver {
  /** Datagrams longer than the addon's 64 KiB slots: cut by the kernel, dropped here. */
  truncated = 0;
  private readonly lengths = new Int32Array(BATCH);
  private readonly addresses = new Uint32Array(BATCH);
  private readonly ports = new Uint16Array(BATCH);
  private readonly sources = new Map<number, DatagramSource>();
  private lastKey = -1;
  private lastSource: DatagramSource | undefined;
  private readonly handle: unknown;
  private closed = false;

  private constructor(
    port: number,
    address: number,
    receiveBufferSize: number,
    private readonly onDatagram: (data: Buffer, from: DatagramSource) => void,
  ) {
    this.handle = rtpsAddon!.openUdpReceiver(port, address, receiveBufferSize, this.lengths, this.addresses, this.ports, (slab, index, offset) => this.onDatagramAt(slab, index, offset));
  }

  /**
   * Binds `port` on `address` (an IPv4 address in dotted form) and starts receiving; null when the addon is not
   * loaded or the port cannot be bound (in use, or the address is not this host's), as the dgram path does.
   */
  static open(port: number, address: string, receiveBufferSize: number, onDatagram: (data: Buffer, from: DatagramSource) => void): NativeUdpReceiver | null {
    const ip = ipv4ToUint32(address);
    if (!rtpsAddon || ip === undefined) return null;
    try {
      // A size the kernel cannot take is left to its default, as dgram's setRecvBufferSize failing is.
      const size = Number.isFinite(receiveBufferSize) ? Math.max(0, Math.min(Math.floor(receiveBufferSize), 0x7fffffff)) : 0;
      return new NativeUdpReceiver(port, ip, size, onDatagram);
    } catch {
      return null;
    }
  }

  private onDatagramAt(slab: Buffer, index: number, offset: number): void {
    if (this.closed || index < 0 || index >= BATCH) return;
    const length = this.lengths[index];
    if (length < 0) {
      this.truncated++;
      return;
    }
    this.onDatagram(slab.subarray(offset, offset + length), this.source(this.addresses[index], this.ports[index]));
  }

  private source(address: number, port: number): DatagramSource {
    // 48 bits: exact as a double.
    const key = address * 65536 + port;
    // A stream comes from one sender: its datagrams skip the look-up.
    if (key === this.lastKey) return this.lastSource!;
    let s = this.sources.get(key);
    if (!s) {
      if (this.sources.size >= MAX_SOURCES) this.sources.clear();
      s = Object.freeze({ address: `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`, port });
      this.sources.set(key, s);
    }
    this.lastKey = key;
    this.lastSource = s;
    return s;
  }

  /** Stops receiving and closes the socket (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    rtpsAddon!.closeUdpReceiver(this.handle);
  }
}

/** A dotted IPv4 address as an unsigned 32-bit number, or undefined when it is not one. */
function ipv4ToUint32(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

// A UDP socket read by the addon in batches (native/udp_receive.c): one recvmmsg takes up to BATCH datagrams, the
// addon copies them into its current slab Buffer (512 KiB, a new one when full), or after a batch of large datagrams of
// about one size receives the next batch straight into it (a longer datagram then comes in a Buffer of its own), and
// calls back once per datagram with that Buffer, its index and its offset, through a callback scope as dgram does (promise jobs run between two datagrams:
// handlers see the same ordering as with dgram); lengths and senders are in typed arrays given to it once. Each
// datagram is handed on as a view of the slab, as dgram hands on a Buffer per datagram; a sample a reader keeps gets
// its own bytes when the slab is much larger (receive.ts, ownBytes), so it never holds the slab. The sender's address
// object is made once per sender. Aimed at a sample being reassembled (fragment-placement.ts), it receives the predicted
// DATA_FRAG payloads straight into the sample and hands on the rest of each datagram with the count of bytes placed.
import type { AimableReceiver, FragmentAim } from './fragment-placement.js';
import { rtpsAddon } from './native-addon.js';

/** Datagrams the addon reads per batch (its BATCH); the typed arrays it fills have this many entries. */
const BATCH = 64;
/** The aim's fields in the array the addon reads (udp_receive.h's AIM_* order); the prefix is the first 12 bytes. */
const AIM_WRITER = 3;
const AIM_WORDS = 16;
/** Senders whose address objects are kept; past it the cache starts again (a sender is a peer's socket). */
const MAX_SOURCES = 256;

/** A datagram's sender, as dgram's rinfo gives it (address and port only). */
export interface DatagramSource {
  readonly address: string;
  readonly port: number;
}

/** Whether the addon can receive here (it is built and loaded). */
export const nativeReceiveAvailable = rtpsAddon !== undefined;

export class NativeUdpReceiver implements AimableReceiver {
  /** Datagrams longer than the addon's 64 KiB slots: cut by the kernel, dropped here. */
  truncated = 0;
  private readonly lengths = new Int32Array(BATCH);
  private readonly addresses = new Uint32Array(BATCH);
  private readonly ports = new Uint16Array(BATCH);
  private readonly placed = new Int32Array(BATCH);
  private readonly aimWords = new Uint32Array(AIM_WORDS);
  private readonly aimPrefix = new Uint8Array(this.aimWords.buffer, 0, 12);
  /** The tenure of the latest aim, and of the aim in effect when the current batch was read. */
  private aimTenure: object | undefined;
  batchTenure: object | undefined;
  private readonly sources = new Map<number, DatagramSource>();
  private lastKey = -1;
  private lastSource: DatagramSource | undefined;
  private readonly handle: unknown;
  private closed = false;

  private constructor(
    port: number,
    address: number,
    receiveBufferSize: number,
    private readonly onDatagram: (data: Buffer, from: DatagramSource, placed: number) => void,
  ) {
    this.handle = rtpsAddon!.openUdpReceiver(port, address, receiveBufferSize, this.lengths, this.addresses, this.ports, this.placed, this.aimWords, (slab, index, offset) => this.onDatagramAt(slab, index, offset));
  }

  /**
   * Binds `port` on `address` (an IPv4 address in dotted form) and starts receiving; null when the addon is not
   * loaded or the port cannot be bound (in use, or the address is not this host's), as the dgram path does.
   */
  static open(port: number, address: string, receiveBufferSize: number, onDatagram: (data: Buffer, from: DatagramSource, placed: number) => void): NativeUdpReceiver | null {
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
    // A batch's first datagram: its datagrams were read under the aim set before it (aims come only from handlers).
    if (index === 0) this.batchTenure = this.aimTenure;
    const length = this.lengths[index];
    if (length < 0) {
      this.truncated++;
      return;
    }
    this.onDatagram(slab.subarray(offset, offset + length), this.source(this.addresses[index], this.ports[index]), this.placed[index]);
  }

  /**
   * From the next batch on, the datagrams `aim` predicts are received with their payload straight into `buffer`
   * (the sample's bytes), each handed on without it and with the count of bytes placed; null stops it. An aim the
   * addon cannot follow is dropped (the callers check layouts with layoutFollowable first).
   */
  aim(buffer: Buffer | null, aim?: FragmentAim, tenure?: object): void {
    if (this.closed) return;
    this.aimTenure = buffer && aim ? tenure : undefined;
    if (buffer && aim) {
      const w = this.aimWords;
      this.aimPrefix.set(aim.prefix.subarray(0, 12));
      let i = AIM_WRITER;
      w[i++] = aim.writerId;
      w[i++] = aim.readerId;
      w[i++] = Math.floor(aim.sn / 0x1_0000_0000);
      w[i++] = aim.sn % 0x1_0000_0000;
      w[i++] = aim.fragmentSize;
      w[i++] = aim.sampleSize;
      w[i++] = aim.next;
      w[i++] = aim.first.head;
      w[i++] = aim.first.per;
      w[i++] = aim.rest.head;
      w[i++] = aim.rest.per;
      w[i] = (aim.le ? 1 : 0) | (aim.key ? 2 : 0);
    }
    try {
      rtpsAddon!.aimUdpReceiver(this.handle, buffer && aim ? buffer : null);
    } catch {
      this.aimTenure = undefined;
      rtpsAddon!.aimUdpReceiver(this.handle, null);
    }
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

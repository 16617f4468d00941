// A UDP socket read by the addon in batches (native/udp_receive.c): one recvmmsg takes up to BATCH datagrams, the
// addon copies them into its current slab Buffer (512 KiB, a new one when full), or after a batch of large datagrams of
// about one size receives the next batch straight into it (a longer datagram then comes in a Buffer of its own), and
// calls back with that Buffer, a datagram's index and its offset, through a callback scope as dgram does (promise jobs
// run between two calls: handlers see the same ordering as with dgram). A call is one datagram, or a run of placed
// ones that can deliver only the aimed sample, ended after the one that does; lengths and senders are in typed arrays
// given to it once. Each datagram is handed on as a view of the slab, as dgram hands on a Buffer per datagram; a sample
// a reader keeps gets its own bytes when the slab is much larger (own-bytes.ts), so it never holds the slab.
// The sender's address object is made once per sender. Aimed at a sample being reassembled (fragment-placement.ts),
// it receives the predicted DATA_FRAG payloads straight into the sample and hands on the rest of each datagram with the
// count of bytes placed.
import type { AimableReceiver, FragmentAim } from './fragment-placement.js';
import { rtpsAddon } from './native-addon.js';

/** Datagrams the addon reads per batch (its BATCH); the typed arrays it fills have this many entries. */
const BATCH = 64;
/** The aim's fields in the array the addon reads (udp_receive.h's AIM_* order); the prefix is the first 12 bytes. */
const AIM_WRITER = 3;
/** In the same array, after the aim: the index of the datagram being handed on (udp_receive.h's WORD_HANDING). */
const WORD_HANDING = 15;
const SHARED_WORDS = 16;
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
  private readonly aimWords = new Uint32Array(SHARED_WORDS);
  private readonly aimPrefix = new Uint8Array(this.aimWords.buffer, 0, 12);
  /** The tenure of the latest aim, and of the aim in effect when the current batch was read. */
  private aimTenure: object | undefined;
  batchTenure: object | undefined;
  /**
   * While a batch is handed on, aims only change the words and aimedAt: the addon reads the aim at its next read, so
   * it is told once, after the batch's last datagram (a sample aims again after each of its DATA_FRAGs).
   */
  private inBatch = false;
  private aimPending = false;
  /** The buffer of the latest aim, and how often that changed: a run of placed datagrams ends where it does. */
  private aimedAt: Buffer | null = null;
  private aimSwitches = 0;
  /** The latest aim (its prefix is in aimWords). */
  private lastAim: FragmentAim | undefined;
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
    this.handle = rtpsAddon!.openUdpReceiver(port, address, receiveBufferSize, this.lengths, this.addresses, this.ports, this.placed, this.aimWords, (slab, index, offset, count, last) => this.onDatagramsAt(slab, index, offset, count, last));
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

  /**
   * Datagrams index..last of a batch of `count`, one after the other in the slab from `offset`. The addon gives more
   * than one only for placed datagrams whose handling can deliver no sample but the aimed one; the call ends after the
   * datagram whose handling moved the aim (the sample was done or given up), so promise jobs run before the next
   * datagram, as between any two calls. Each datagram's index is written at WORD_HANDING before it is handed on: the
   * addon goes on after it, even when its handler threw.
   */
  private onDatagramsAt(slab: Buffer, index: number, offset: number, count: number, last: number): void {
    if (this.closed || index < 0 || index >= BATCH) return;
    if (index === 0) {
      // A batch's first datagram: its datagrams were read under the aim told to the addon before it.
      this.batchTenure = this.aimTenure;
      this.inBatch = true;
    }
    const switches = this.aimSwitches;
    let i = index;
    try {
      for (;;) {
        this.aimWords[WORD_HANDING] = i;
        const length = this.lengths[i];
        if (length < 0) this.truncated++;
        else this.onDatagram(slab.subarray(offset, offset + length), this.source(this.addresses[i], this.ports[i]), this.placed[i]);
        if (i >= last || i >= BATCH - 1 || this.closed || this.aimSwitches !== switches) break;
        offset += Math.max(length, 0);
        i++;
      }
    } finally {
      // The batch's last datagram (also when its handler threw): the aim made meanwhile goes to the addon.
      if (i >= count - 1) {
        this.inBatch = false;
        if (this.aimPending) this.tellAim();
      }
    }
  }

  /**
   * From the next batch on, the datagrams `aim` predicts are received with their payload straight into `buffer`
   * (the sample's bytes), each handed on without it and with the count of bytes placed; null stops it. An aim the
   * addon cannot follow is dropped (the callers check layouts with layoutFollowable first).
   */
  aim(buffer: Buffer | null, aim?: FragmentAim, tenure?: object): void {
    if (this.closed) return;
    this.aimTenure = buffer && aim ? tenure : undefined;
    this.lastAim = buffer && aim ? aim : undefined;
    const at = buffer && aim ? buffer : null;
    if (at !== this.aimedAt) {
      this.aimedAt = at;
      this.aimSwitches++;
    }
    if (buffer && aim) {
      const w = this.aimWords;
      // Byte by byte: a view of the prefix to copy from would be made after every DATA_FRAG.
      const prefix = aim.prefix;
      for (let k = 0; k < 12; k++) this.aimPrefix[k] = prefix[k];
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
    if (this.inBatch) this.aimPending = true;
    else this.tellAim();
  }

  /** Gives the addon the latest aim (it holds the buffer from then on); one it cannot follow clears the aim. */
  private tellAim(): void {
    this.aimPending = false;
    if (this.closed) return;
    try {
      rtpsAddon!.aimUdpReceiver(this.handle, this.aimedAt);
    } catch {
      this.aimTenure = undefined;
      this.lastAim = undefined;
      this.aimedAt = null;
      this.aimSwitches++;
      rtpsAddon!.aimUdpReceiver(this.handle, null);
    }
  }

  /**
   * The aim last given (what the next batch is read with, unless the addon dropped it since: a batch in which no
   * prediction held, or a buffer no longer valid), a copy; undefined when not aimed. For hostile tests and the fuzzer.
   */
  get currentAim(): FragmentAim | undefined {
    const a = this.lastAim;
    return a && { ...a, prefix: Buffer.from(this.aimPrefix) };
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

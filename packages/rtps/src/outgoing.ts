// Building and sending datagrams: header + optional INFO_DST + submessages. One reusable
// ByteWriter per participant; every datagram handed to the socket is a fresh copy because
// dgram sends asynchronously.

import { ByteWriter } from './byte-writer.js';
import { encodeHeader } from './header.js';
import type { Locator } from './locator.js';
import { encodeInfoDst } from './submessages/info.js';

/** Sends raw datagrams to locators (implemented by the participant over its transport); false if some were held back. */
type DatagramSink = (data: Buffer, locators: readonly Locator[]) => boolean;

export class MessageBuilder {
  readonly w = new ByteWriter(16384, true);
  private readonly prefix: Buffer;
  private readonly vendorId: number;
  readonly sink: DatagramSink;
  /** Largest datagram we build (bytes). */
  readonly maxMessageSize: number;

  constructor(prefix: Buffer, vendorId: number, sink: DatagramSink, maxMessageSize: number) {
    this.prefix = prefix;
    this.vendorId = vendorId;
    this.sink = sink;
    this.maxMessageSize = maxMessageSize;
  }

  /** Starts a datagram; adds INFO_DST when a destination prefix is given. */
  begin(dstPrefix?: Uint8Array): ByteWriter {
    this.w.reset(true);
    encodeHeader(this.w, this.vendorId, this.prefix);
    if (dstPrefix) encodeInfoDst(this.w, dstPrefix, true);
    return this.w;
  }

  /** Bytes written so far in the current datagram. */
  get size(): number {
    return this.w.pos;
  }

  /** Sends the current datagram to the locators; false if it was held back from some (send-budget.ts). */
  send(locators: readonly Locator[]): boolean {
    if (locators.length === 0) return true;
    return this.sink(this.w.finish(), locators);
  }
}

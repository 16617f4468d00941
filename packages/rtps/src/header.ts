// The 20-byte RTPS message header: "RTPS", version, vendor id, GUID prefix.

import type { ByteWriter } from './byte-writer.js';
import { RtpsParseError } from './cursor.js';

export const RTPS_HEADER_SIZE = 20;
export const PROTOCOL_VERSION = { major: 2, minor: 3 } as const;

export interface RtpsHeader {
  major: number;
  minor: number;
  vendorId: number;
  /** 12-byte GUID prefix (a view into the datagram). */
  guidPrefix: Buffer;
}

export function decodeHeader(buf: Buffer): RtpsHeader {
  checkHeader(buf);
  return { major: buf[4], minor: buf[5], vendorId: buf.readUInt16BE(6), guidPrefix: buf.subarray(8, 20) };
}

/** Throws RtpsParseError unless `buf` starts with an RTPS 2.x header; makes nothing (the receive path runs it per datagram). */
export function checkHeader(buf: Buffer): void {
  if (buf.length < RTPS_HEADER_SIZE) throw new RtpsParseError(`message shorter than the RTPS header (${buf.length} bytes)`);
  // "RTPS" = 0x52 0x54 0x50 0x53
  if (buf[0] !== 0x52 || buf[1] !== 0x54 || buf[2] !== 0x50 || buf[3] !== 0x53) throw new RtpsParseError('not an RTPS message (bad magic)');
  const major = buf[4];
  if (major !== 2) throw new RtpsParseError(`unsupported RTPS major version ${major}`);
}

export function encodeHeader(w: ByteWriter, vendorId: number, guidPrefix: Uint8Array, version = PROTOCOL_VERSION): void {
  w.u8(0x52).u8(0x54).u8(0x50).u8(0x53);
  w.u8(version.major).u8(version.minor);
  w.u16(vendorId, false);
  w.bytes(guidPrefix.subarray(0, 12));
}

/**
 * The 4-byte encapsulation header of serialized payloads (ros2-wire §7.1): a big-endian
 * representation identifier and two option bytes. ROS 2 user data is plain XCDR1 (CDR_LE, CDR_BE);
 * everything else is refused with {@link UnsupportedEncodingError}.
 */
import { CdrDecodeError, UnsupportedEncodingError } from './errors.js';

/** Representation identifiers (RTPS 2.3 §10, DDS-XTypes 1.3 §7.6.2.1.2). */
export const Encapsulation = {
  CDR_BE: 0x0000,
  CDR_LE: 0x0001,
  PL_CDR_BE: 0x0002,
  PL_CDR_LE: 0x0003,
  CDR2_BE: 0x0006,
  CDR2_LE: 0x0007,
  D_CDR2_BE: 0x0008,
  D_CDR2_LE: 0x0009,
  PL_CDR2_BE: 0x000a,
  PL_CDR2_LE: 0x000b,
} as const;

/** What the header of a plain-CDR payload says. */
export interface PlainCdrHeader {
  id: number;
  littleEndian: boolean;
  /** The options field; Cyclone's own serializer keeps the count of padding bytes in its low 2 bits. */
  options: number;
}

/** Reads the header and accepts only CDR_LE / CDR_BE. Throws {@link UnsupportedEncodingError} or {@link CdrDecodeError}. */
export function readPlainCdrHeader(typeName: string, bytes: Uint8Array): PlainCdrHeader {
  if (bytes.length < 4) throw new CdrDecodeError(typeName, `payload of ${bytes.length} bytes is shorter than the 4-byte encapsulation header`);
  const id = (bytes[0] << 8) | bytes[1];
  const options = (bytes[2] << 8) | bytes[3];
  if (id === Encapsulation.CDR_LE || id === Encapsulation.CDR_BE) return { id, littleEndian: id === Encapsulation.CDR_LE, options };
  const hex = `0x${id.toString(16).padStart(4, '0')}`;
  if (id >= Encapsulation.CDR2_BE && id <= Encapsulation.PL_CDR2_LE) {
    throw new UnsupportedEncodingError(typeName, id, `unsupported encoding XCDR2 (${hex}); ROS 2 nodes send plain XCDR1 (CDR_LE/CDR_BE)`);
  }
  if (id === Encapsulation.PL_CDR_BE || id === Encapsulation.PL_CDR_LE) {
    throw new UnsupportedEncodingError(typeName, id, `unsupported encoding parameter-list CDR (${hex}); that is discovery data, not a ROS message`);
  }
  throw new UnsupportedEncodingError(typeName, id, `unsupported encoding: unknown representation identifier ${hex}`);
}

/** Pads a serialized payload with zero bytes to a multiple of 4, as an RTPS submessage requires (options stay 0, like rmw). */
export function padToFour(bytes: Uint8Array): Uint8Array {
  const rest = bytes.length % 4;
  if (rest === 0) return bytes;
  const out = new Uint8Array(bytes.length + 4 - rest);
  out.set(bytes);
  return out;
}

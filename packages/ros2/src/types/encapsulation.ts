/**
 * The 4-byte encapsulation header of serialized payloads (packages/ros2/README.md): a big-endian
 * representation identifier and two option bytes. ROS 2 user data is plain XCDR1 (CDR_LE, CDR_BE);
 * everything else is refused with {@link UnsupportedEncodingError}.
 */
import { CdrDecodeError, UnsupportedEncodingError } from './errors.js';

// Representation identifiers this decoder tells apart (the full table lives in @medkit/rtps).
const CDR_BE = 0x0000;
const CDR_LE = 0x0001;
const PL_CDR_BE = 0x0002;
const PL_CDR_LE = 0x0003;
const FIRST_XCDR2 = 0x0006; // CDR2_BE; D_CDR2 and PL_CDR2 follow up to 0x000b
const LAST_XCDR2 = 0x000b;

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
  if (id === CDR_LE || id === CDR_BE) return { id, littleEndian: id === CDR_LE, options };
  const hex = `0x${id.toString(16).padStart(4, '0')}`;
  if (id >= FIRST_XCDR2 && id <= LAST_XCDR2) {
    throw new UnsupportedEncodingError(typeName, id, `unsupported encoding XCDR2 (${hex}); ROS 2 nodes send plain XCDR1 (CDR_LE/CDR_BE)`);
  }
  if (id === PL_CDR_BE || id === PL_CDR_LE) {
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

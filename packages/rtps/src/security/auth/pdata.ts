// c.pdata: the participant's ParticipantBuiltinTopicData in a handshake. On the wire (Fast DDS 2.9.1, seen in a
// capture) it is the SPDP parameter list big-endian WITHOUT the 4-byte encapsulation header; a PL_CDR_BE/LE
// payload with the header is accepted too (the header is told apart by its zero options: a parameter's length
// is never 0 where the header has its options). Authentication reads only the participant GUID
// (PID_PARTICIPANT_GUID), whose prefix must be the one the certificate's subject yields (packages/rtps/README.md).
import { ByteWriter } from '../../byte-writer.js';
import { RtpsParseError } from '../../cursor.js';
import { Encapsulation, forEachParameter, writeParameter, writeSentinel } from '../../parameter-list.js';
import { EntityId } from '../../guid.js';
import { PID } from '../../pids.js';
import { SecurityError } from '../errors.js';

/** A minimal c.pdata (big-endian parameter list, no header) holding only the participant GUID. */
export function encodeParticipantPdata(guidPrefix: Uint8Array): Uint8Array {
  const w = new ByteWriter(32, false);
  writeParameter(w, PID.PARTICIPANT_GUID, (x) => x.bytes(guidPrefix).entityId(EntityId.PARTICIPANT));
  writeSentinel(w);
  return new Uint8Array(w.finish());
}

/** Where c.pdata's parameter list starts and its endianness. */
function layout(buf: Buffer): { start: number; le: boolean } {
  if (buf.length >= 4 && buf.readUInt16BE(2) === 0) {
    const id = buf.readUInt16BE(0);
    if (id === Encapsulation.PL_CDR_BE || id === Encapsulation.PL_CDR_LE) return { start: 4, le: id === Encapsulation.PL_CDR_LE };
  }
  return { start: 0, le: false };
}

/** The GUID prefix in c.pdata; throws SecurityError('bad-pdata'). */
export function pdataGuidPrefix(pdata: Uint8Array): Uint8Array {
  const buf = Buffer.from(pdata.buffer, pdata.byteOffset, pdata.byteLength);
  let prefix: Uint8Array | undefined;
  try {
    const { start, le } = layout(buf);
    forEachParameter(buf, start, buf.length, le, (pid, offset, length) => {
      if (pid === PID.PARTICIPANT_GUID && length >= 16 && !prefix) prefix = new Uint8Array(buf.subarray(offset, offset + 12));
    });
  } catch (err) {
    throw new SecurityError('bad-pdata', `c.pdata does not decode: ${err instanceof RtpsParseError ? err.message : String(err)}`);
  }
  if (!prefix) throw new SecurityError('bad-pdata', 'c.pdata holds no participant GUID');
  return prefix;
}

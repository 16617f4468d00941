// c.pdata: the participant's serialized ParticipantBuiltinTopicData (its SPDP data) in a handshake. Phase 1
// reads only what authentication checks, the participant GUID (PID_PARTICIPANT_GUID), whose prefix must be
// the one the certificate's subject yields (§9.3.3). Phase 2 hands in the real SPDP serialization.
import { ByteWriter } from '../../byte-writer.js';
import { RtpsParseError } from '../../cursor.js';
import { Encapsulation, forEachParameter, readEncapsulation, writeParameter, writeSentinel } from '../../parameter-list.js';
import { PID } from '../../pids.js';
import { SecurityError } from '../errors.js';

/** A minimal PL_CDR_BE ParticipantBuiltinTopicData holding only the participant GUID. */
export function encodeParticipantPdata(guidPrefix: Uint8Array): Uint8Array {
  const w = new ByteWriter(32, false);
  w.u16(Encapsulation.PL_CDR_BE, false).u16(0, false);
  writeParameter(w, PID.PARTICIPANT_GUID, (x) => x.bytes(guidPrefix).entityId(0x000001c1));
  writeSentinel(w);
  return new Uint8Array(w.finish());
}

/** The GUID prefix in c.pdata; throws SecurityError('bad-pdata'). */
export function pdataGuidPrefix(pdata: Uint8Array): Uint8Array {
  const buf = Buffer.from(pdata.buffer, pdata.byteOffset, pdata.byteLength);
  let prefix: Uint8Array | undefined;
  try {
    const { id, le } = readEncapsulation(buf);
    if (id !== Encapsulation.PL_CDR_BE && id !== Encapsulation.PL_CDR_LE) throw new RtpsParseError(`encapsulation 0x${id.toString(16)} is not PL_CDR`);
    forEachParameter(buf, 4, buf.length, le, (pid, offset, length) => {
      if (pid === PID.PARTICIPANT_GUID && length >= 16 && !prefix) prefix = new Uint8Array(buf.subarray(offset, offset + 12));
    });
  } catch (err) {
    throw new SecurityError('bad-pdata', `c.pdata does not decode: ${(err as Error).message}`);
  }
  if (!prefix) throw new SecurityError('bad-pdata', 'c.pdata holds no participant GUID');
  return prefix;
}

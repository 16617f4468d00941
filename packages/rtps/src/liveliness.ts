// Participant message (DCPSParticipantMessage) payloads: automatic liveliness assertions.

import { ByteWriter } from './byte-writer.js';
import { Encapsulation } from './parameter-list.js';

/** Kind octets of an automatic liveliness update. */
const LIVELINESS_AUTOMATIC = Buffer.from([0, 0, 0, 1]);

/** CDR_LE payload: guidPrefix(12), kind(4), uint32 length, data (one zero octet, like Cyclone). */
export function encodeParticipantMessage(prefix: Buffer, kind = LIVELINESS_AUTOMATIC): Buffer {
  const w = new ByteWriter(40, true);
  w.u16(Encapsulation.CDR_LE, false).u16(0, false);
  w.bytes(prefix).bytes(kind);
  w.u32(1).u8(0);
  w.zeros(3);
  return w.finish();
}


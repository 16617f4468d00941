// HEARTBEAT (0x07): a writer announces the range of sequence numbers it holds.

import type { ByteWriter } from '../byte-writer.js';
import { RtpsProtocolViolation, type Cursor } from '../cursor.js';
import { readPositiveSN, readSN, writeSN } from '../sequence-number.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { FLAG_FINAL, FLAG_LIVELINESS, SubmessageId } from './ids.js';

export interface HeartbeatSubmessage {
  kind: 'HEARTBEAT';
  readerId: number;
  writerId: number;
  firstSN: number;
  lastSN: number;
  count: number;
  final: boolean;
  liveliness: boolean;
}

/** Refuses firstSN < 1 and lastSN < firstSN - 1 (RTPS 8.3.7.5.3); both SNs are <= SN_MAX. */
export function decodeHeartbeat(c: Cursor, flags: number): HeartbeatSubmessage {
  const readerId = c.entityId();
  const writerId = c.entityId();
  const firstSN = readPositiveSN(c, 'HEARTBEAT firstSN');
  const lastSN = readSN(c);
  if (lastSN < firstSN - 1) throw new RtpsProtocolViolation(`HEARTBEAT lastSN ${lastSN} < firstSN ${firstSN} - 1`);
  return {
    kind: 'HEARTBEAT',
    readerId,
    writerId,
    firstSN,
    lastSN,
    count: c.i32(),
    final: (flags & FLAG_FINAL) !== 0,
    liveliness: (flags & FLAG_LIVELINESS) !== 0,
  };
}

export function encodeHeartbeat(w: ByteWriter, m: Omit<HeartbeatSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.HEARTBEAT, (m.final ? FLAG_FINAL : 0) | (m.liveliness ? FLAG_LIVELINESS : 0), le);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.firstSN);
  writeSN(w, m.lastSN);
  w.i32(m.count);
  endSubmessage(w, at, le);
}

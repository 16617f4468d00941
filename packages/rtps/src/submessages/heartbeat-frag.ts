// HEARTBEAT_FRAG (0x13): a writer announces how many fragments of one sample it has.

import type { ByteWriter } from '../byte-writer.js';
import { RtpsProtocolViolation, type Cursor } from '../cursor.js';
import { readPositiveSN, writeSN } from '../sequence-number.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { SubmessageId } from './ids.js';

export interface HeartbeatFragSubmessage {
  kind: 'HEARTBEAT_FRAG';
  readerId: number;
  writerId: number;
  writerSN: number;
  lastFragmentNum: number;
  count: number;
}

export function decodeHeartbeatFrag(c: Cursor): HeartbeatFragSubmessage {
  const readerId = c.entityId();
  const writerId = c.entityId();
  const writerSN = readPositiveSN(c, 'HEARTBEAT_FRAG writerSN');
  const lastFragmentNum = c.u32();
  if (lastFragmentNum < 1) throw new RtpsProtocolViolation('HEARTBEAT_FRAG lastFragmentNum 0');
  return { kind: 'HEARTBEAT_FRAG', readerId, writerId, writerSN, lastFragmentNum, count: c.i32() };
}

export function encodeHeartbeatFrag(w: ByteWriter, m: Omit<HeartbeatFragSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.HEARTBEAT_FRAG, 0, le);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.writerSN);
  w.u32(m.lastFragmentNum).i32(m.count);
  endSubmessage(w, at, le);
}

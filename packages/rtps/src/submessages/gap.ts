// GAP (0x08): SNs gapStart..gapList.base-1 and the members of gapList carry no data.

import type { ByteWriter } from '../byte-writer.js';
import { RtpsProtocolViolation, type Cursor } from '../cursor.js';
import { readPositiveSN, readSNSet, writeSN, writeSNSet, type SequenceNumberSet } from '../sequence-number.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { SubmessageId } from './ids.js';

export interface GapSubmessage {
  kind: 'GAP';
  readerId: number;
  writerId: number;
  gapStart: number;
  gapList: SequenceNumberSet;
}

/** Refuses gapStart < 1 and a gapList based below 1 (RTPS 8.3.7.4.3). */
export function decodeGap(c: Cursor): GapSubmessage {
  const readerId = c.entityId();
  const writerId = c.entityId();
  const gapStart = readPositiveSN(c, 'GAP gapStart');
  const gapList = readSNSet(c);
  if (gapList.base < 1) throw new RtpsProtocolViolation(`GAP gapList base ${gapList.base} < 1`);
  return { kind: 'GAP', readerId, writerId, gapStart, gapList };
}

export function encodeGap(w: ByteWriter, m: Omit<GapSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.GAP, 0, le);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.gapStart);
  writeSNSet(w, m.gapList);
  endSubmessage(w, at, le);
}


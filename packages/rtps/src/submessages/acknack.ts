// ACKNACK (0x06): a reliable reader acknowledges SNs below the set's base and requests the
// members of the set.

import type { ByteWriter } from '../byte-writer.js';
import type { Cursor } from '../cursor.js';
import { readSNSet, writeSNSet, type SequenceNumberSet } from '../sequence-number.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { FLAG_FINAL, SubmessageId } from './ids.js';

export interface AckNackSubmessage {
  kind: 'ACKNACK';
  readerId: number;
  writerId: number;
  readerSNState: SequenceNumberSet;
  count: number;
  final: boolean;
}

export function decodeAckNack(c: Cursor, flags: number): AckNackSubmessage {
  return {
    kind: 'ACKNACK',
    readerId: c.entityId(),
    writerId: c.entityId(),
    readerSNState: readSNSet(c),
    count: c.i32(),
    final: (flags & FLAG_FINAL) !== 0,
  };
}

export function encodeAckNack(w: ByteWriter, m: Omit<AckNackSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.ACKNACK, m.final ? FLAG_FINAL : 0, le);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSNSet(w, m.readerSNState);
  w.i32(m.count);
  endSubmessage(w, at, le);
}

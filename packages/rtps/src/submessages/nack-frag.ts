// NACK_FRAG (0x12): a reader requests missing fragments of one sample.

import type { ByteWriter } from '../byte-writer.js';
import type { Cursor } from '../cursor.js';
import { readFragSet, readPositiveSN, writeFragSet, writeSN, type FragmentNumberSet } from '../sequence-number.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { SubmessageId } from './ids.js';

export interface NackFragSubmessage {
  kind: 'NACK_FRAG';
  readerId: number;
  writerId: number;
  writerSN: number;
  fragmentNumberState: FragmentNumberSet;
  count: number;
}

export function decodeNackFrag(c: Cursor): NackFragSubmessage {
  return {
    kind: 'NACK_FRAG',
    readerId: c.entityId(),
    writerId: c.entityId(),
    writerSN: readPositiveSN(c, 'NACK_FRAG writerSN'),
    fragmentNumberState: readFragSet(c),
    count: c.i32(),
  };
}

export function encodeNackFrag(w: ByteWriter, m: Omit<NackFragSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.NACK_FRAG, 0, le);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.writerSN);
  writeFragSet(w, m.fragmentNumberState);
  w.i32(m.count);
  endSubmessage(w, at, le);
}

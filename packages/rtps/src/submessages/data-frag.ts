// DATA_FRAG (0x16): consecutive fragments of one large sample.

import type { ByteWriter } from '../byte-writer.js';
import { RtpsProtocolViolation, type Cursor } from '../cursor.js';
import { readPositiveSN, writeSN } from '../sequence-number.js';
import { beginSubmessage, endSubmessage, readInlineQos } from './frame.js';
import { DATAFRAG_FLAG_K, DATAFRAG_FLAG_Q, SubmessageId } from './ids.js';

export interface DataFragSubmessage {
  kind: 'DATA_FRAG';
  readerId: number;
  writerId: number;
  writerSN: number;
  /** 1-based number of the first fragment carried. */
  fragmentStartingNum: number;
  fragmentsInSubmessage: number;
  fragmentSize: number;
  sampleSize: number;
  inlineQos?: Buffer;
  /** The bytes of the carried fragments (the last fragment of a sample may be short). */
  data: Buffer;
  key: boolean;
  le: boolean;
}

export function decodeDataFrag(c: Cursor, flags: number): DataFragSubmessage {
  c.skip(2);
  const octetsToInlineQos = c.u16();
  const afterOctets = c.pos;
  const readerId = c.entityId();
  const writerId = c.entityId();
  const writerSN = readPositiveSN(c, 'DATA_FRAG writerSN');
  const fragmentStartingNum = c.u32();
  const fragmentsInSubmessage = c.u16();
  const fragmentSize = c.u16();
  const sampleSize = c.u32();
  // Fragment numbers start at 1 and the first carried fragment must lie inside the sample
  // (RTPS 8.3.7.3.3); u32 * u16 stays below 2^48, exact.
  if (fragmentStartingNum < 1) throw new RtpsProtocolViolation('DATA_FRAG fragmentStartingNum 0');
  if (fragmentSize === 0) throw new RtpsProtocolViolation('DATA_FRAG fragmentSize 0');
  if (fragmentsInSubmessage === 0) throw new RtpsProtocolViolation('DATA_FRAG fragmentsInSubmessage 0');
  if ((fragmentStartingNum - 1) * fragmentSize >= sampleSize) throw new RtpsProtocolViolation(`DATA_FRAG fragment ${fragmentStartingNum} of ${fragmentSize} B lies past sampleSize ${sampleSize}`);
  const inlineQos = readInlineQos(c, afterOctets + octetsToInlineQos, (flags & DATAFRAG_FLAG_Q) !== 0);
  return {
    kind: 'DATA_FRAG',
    readerId,
    writerId,
    writerSN,
    fragmentStartingNum,
    fragmentsInSubmessage,
    fragmentSize,
    sampleSize,
    inlineQos,
    data: c.buf.subarray(c.pos, c.end),
    key: (flags & DATAFRAG_FLAG_K) !== 0,
    le: c.le,
  };
}

export function encodeDataFrag(w: ByteWriter, m: Omit<DataFragSubmessage, 'kind' | 'le'>, le: boolean): void {
  let flags = 0;
  if (m.inlineQos) flags |= DATAFRAG_FLAG_Q;
  if (m.key) flags |= DATAFRAG_FLAG_K;
  const at = beginSubmessage(w, SubmessageId.DATA_FRAG, flags, le);
  w.u16(0).u16(28);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.writerSN);
  w.u32(m.fragmentStartingNum).u16(m.fragmentsInSubmessage).u16(m.fragmentSize).u32(m.sampleSize);
  if (m.inlineQos) w.bytes(m.inlineQos);
  w.bytes(m.data);
  w.align(4);
  endSubmessage(w, at, le);
}

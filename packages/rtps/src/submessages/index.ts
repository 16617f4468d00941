// Decoding dispatch for one submessage, plus the union type of all submessages.

import { Cursor, RtpsParseError } from '../cursor.js';
import { decodeAckNack, type AckNackSubmessage } from './acknack.js';
import { decodeDataFrag, type DataFragSubmessage } from './data-frag.js';
import { decodeData, type DataSubmessage } from './data.js';
import { decodeGap, type GapSubmessage } from './gap.js';
import { decodeHeartbeatFrag, type HeartbeatFragSubmessage } from './heartbeat-frag.js';
import { decodeHeartbeat, type HeartbeatSubmessage } from './heartbeat.js';
import { FLAG_E, SubmessageId } from './ids.js';
import { decodeInfoDst, decodeInfoSrc, decodeInfoTs, type InfoDstSubmessage, type InfoSrcSubmessage, type InfoTsSubmessage, type PadSubmessage } from './info.js';
import { decodeNackFrag, type NackFragSubmessage } from './nack-frag.js';

/** A submessage we do not interpret (vendor-specific ids >= 0x80, INFO_REPLY, ...). */
export interface UnknownSubmessage {
  kind: 'UNKNOWN';
  id: number;
  flags: number;
  body: Buffer;
}

export type Submessage =
  | DataSubmessage
  | DataFragSubmessage
  | HeartbeatSubmessage
  | HeartbeatFragSubmessage
  | AckNackSubmessage
  | NackFragSubmessage
  | GapSubmessage
  | InfoTsSubmessage
  | InfoSrcSubmessage
  | InfoDstSubmessage
  | PadSubmessage
  | UnknownSubmessage;

const scratch = new Cursor(Buffer.alloc(0));

/** Decodes the body buf[start, end) of a submessage with the given id and flags. */
export function decodeSubmessage(id: number, flags: number, buf: Buffer, start: number, end: number): Submessage {
  const c = scratch;
  c.buf = buf;
  c.pos = start;
  c.end = end;
  c.le = (flags & FLAG_E) !== 0;
  switch (id) {
    case SubmessageId.DATA:
      return decodeData(c, flags);
    case SubmessageId.DATA_FRAG:
      return decodeDataFrag(c, flags);
    case SubmessageId.HEARTBEAT:
      return decodeHeartbeat(c, flags);
    case SubmessageId.HEARTBEAT_FRAG:
      return decodeHeartbeatFrag(c);
    case SubmessageId.ACKNACK:
      return decodeAckNack(c, flags);
    case SubmessageId.NACK_FRAG:
      return decodeNackFrag(c);
    case SubmessageId.GAP:
      return decodeGap(c);
    case SubmessageId.INFO_TS:
      return decodeInfoTs(c, flags);
    case SubmessageId.INFO_SRC:
      return decodeInfoSrc(c);
    case SubmessageId.INFO_DST:
      return decodeInfoDst(c);
    case SubmessageId.PAD:
      return { kind: 'PAD' };
    default:
      if (end < start) throw new RtpsParseError('negative submessage length');
      return { kind: 'UNKNOWN', id, flags, body: buf.subarray(start, end) };
  }
}

export type { AckNackSubmessage, DataFragSubmessage, DataSubmessage, GapSubmessage, HeartbeatFragSubmessage, HeartbeatSubmessage, InfoDstSubmessage, InfoSrcSubmessage, InfoTsSubmessage, NackFragSubmessage, PadSubmessage };

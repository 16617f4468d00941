// DATA (0x15): one sample or a key/dispose notification.

import type { ByteWriter } from '../byte-writer.js';
import type { Cursor } from '../cursor.js';
import { readPositiveSN, writeSN } from '../sequence-number.js';
import { beginSubmessage, endSubmessage, readInlineQos } from './frame.js';
import { DATA_FLAG_D, DATA_FLAG_K, DATA_FLAG_N, DATA_FLAG_Q, SubmessageId } from './ids.js';

export interface DataSubmessage {
  kind: 'DATA';
  readerId: number;
  writerId: number;
  writerSN: number;
  /** Raw inline QoS parameter list (sentinel included), in the submessage's endianness. */
  inlineQos?: Buffer;
  /** Serialized payload (encapsulation header included) when D or K is set. */
  payload?: Buffer;
  /** True when the payload is a serialized key (K flag), e.g. a dispose. */
  key: boolean;
  nonStandardPayload: boolean;
  le: boolean;
}

export function decodeData(c: Cursor, flags: number): DataSubmessage {
  c.skip(2); // extraFlags
  const octetsToInlineQos = c.u16();
  const afterOctets = c.pos;
  const readerId = c.entityId();
  const writerId = c.entityId();
  const writerSN = readPositiveSN(c, 'DATA writerSN');
  const inlineQos = readInlineQos(c, afterOctets + octetsToInlineQos, (flags & DATA_FLAG_Q) !== 0);
  const hasPayload = (flags & (DATA_FLAG_D | DATA_FLAG_K)) !== 0;
  const payload = hasPayload ? c.buf.subarray(c.pos, c.end) : undefined;
  return {
    kind: 'DATA',
    readerId,
    writerId,
    writerSN,
    inlineQos,
    payload,
    key: (flags & DATA_FLAG_K) !== 0 && (flags & DATA_FLAG_D) === 0,
    nonStandardPayload: (flags & DATA_FLAG_N) !== 0,
    le: c.le,
  };
}

/** Pads payloads to 4 bytes; records the pad count in the encapsulation options (XTypes 7.6.3). */
function payloadPadding(payload: Uint8Array): number {
  return (4 - (payload.length & 3)) & 3;
}

/**
 * `opaque`: the payload has no encapsulation header of its own (a DDS-Security protected payload starts with
 * its CryptoHeader), so the padding count is not recorded in it.
 */
export function encodeData(w: ByteWriter, m: Omit<DataSubmessage, 'kind' | 'le' | 'nonStandardPayload'> & { opaque?: boolean }, le: boolean): void {
  let flags = 0;
  if (m.inlineQos) flags |= DATA_FLAG_Q;
  if (m.payload) flags |= m.key ? DATA_FLAG_K : DATA_FLAG_D;
  const at = beginSubmessage(w, SubmessageId.DATA, flags, le);
  w.u16(0).u16(16);
  w.entityId(m.readerId).entityId(m.writerId);
  writeSN(w, m.writerSN);
  if (m.inlineQos) w.bytes(m.inlineQos);
  if (m.payload) {
    const start = w.pos;
    w.bytes(m.payload);
    const pad = payloadPadding(m.payload);
    if (pad > 0 && m.payload.length >= 4 && !m.opaque) w.buf[start + 3] = (w.buf[start + 3] & ~3) | pad;
    w.zeros(pad);
  }
  endSubmessage(w, at, le);
}

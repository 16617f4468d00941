// DATA (0x15): one sample or a key/dispose notification.

import type { ByteWriter } from '../byte-writer.js';
import type { Cursor } from '../cursor.js';
import { readPositiveSN, writeSN } from '../sequence-number.js';
import { beginSubmessage, endSubmessage, skipInlineQos } from './frame.js';
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

/**
 * Where the parts of one DATA lie in its buffer: what the receive path reads per sample, into one object it reuses,
 * so a sample costs no submessage object and no views before the reader knows it wants it.
 */
export interface DataLayout {
  readerId: number;
  writerId: number;
  writerSN: number;
  /** The inline QoS parameter list is [qosStart, qosEnd) when hasQos. */
  hasQos: boolean;
  qosStart: number;
  qosEnd: number;
  /** The serialized payload is [payloadStart, payloadEnd) when hasPayload (D or K). */
  hasPayload: boolean;
  payloadStart: number;
  payloadEnd: number;
  key: boolean;
  nonStandardPayload: boolean;
  le: boolean;
}

/** An empty layout, to be filled by readDataLayout. */
export function newDataLayout(): DataLayout {
  return { readerId: 0, writerId: 0, writerSN: 0, hasQos: false, qosStart: 0, qosEnd: 0, hasPayload: false, payloadStart: 0, payloadEnd: 0, key: false, nonStandardPayload: false, le: false };
}

/** Reads a DATA body at `c` into `out` (validated as decodeData validates it) and returns `out`. */
export function readDataLayout(c: Cursor, flags: number, out: DataLayout): DataLayout {
  c.skip(2); // extraFlags
  const octetsToInlineQos = c.u16();
  const afterOctets = c.pos;
  out.readerId = c.entityId();
  out.writerId = c.entityId();
  out.writerSN = readPositiveSN(c, 'DATA writerSN');
  out.hasQos = (flags & DATA_FLAG_Q) !== 0;
  out.qosStart = skipInlineQos(c, afterOctets + octetsToInlineQos, out.hasQos);
  out.qosEnd = c.pos;
  out.hasPayload = (flags & (DATA_FLAG_D | DATA_FLAG_K)) !== 0;
  out.payloadStart = c.pos;
  out.payloadEnd = c.end;
  out.key = (flags & DATA_FLAG_K) !== 0 && (flags & DATA_FLAG_D) === 0;
  out.nonStandardPayload = (flags & DATA_FLAG_N) !== 0;
  out.le = c.le;
  return out;
}

const layout = newDataLayout();

export function decodeData(c: Cursor, flags: number): DataSubmessage {
  const d = readDataLayout(c, flags, layout);
  return {
    kind: 'DATA',
    readerId: d.readerId,
    writerId: d.writerId,
    writerSN: d.writerSN,
    inlineQos: d.hasQos ? c.buf.subarray(d.qosStart, d.qosEnd) : undefined,
    payload: d.hasPayload ? c.buf.subarray(d.payloadStart, d.payloadEnd) : undefined,
    key: d.key,
    nonStandardPayload: d.nonStandardPayload,
    le: d.le,
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

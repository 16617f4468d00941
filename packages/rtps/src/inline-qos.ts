// Inline QoS of DATA/DATA_FRAG: key hash, status info, related sample identity. Vendor-specific
// PIDs are interpreted only for the vendor that sent them (packages/rtps/README.md).

import { ByteWriter } from './byte-writer.js';
import { Cursor } from './cursor.js';
import { guidFromBytes, guidToBytes, type Guid } from './guid.js';
import { forEachParameter, writeParameter, writeSentinel } from './parameter-list.js';
import { FASTDDS_PID, PID, PID_VENDOR_SPECIFIC } from './pids.js';
import { readSNValue, writeSN } from './sequence-number.js';
import { VendorId } from './vendor.js';

/** A writer GUID plus sequence number: identifies one sample (DDS-RPC SampleIdentity). */
export interface SampleIdentity {
  writerGuid: Guid;
  sequenceNumber: number;
}

/** One raw parameter. */
export interface RawParameter {
  pid: number;
  value: Uint8Array;
}

/** The parsed inline QoS of a received sample. */
export interface InlineQos {
  /** PID_STATUS_INFO flags (1 disposed, 2 unregistered). */
  statusInfo?: number;
  /** PID_KEY_HASH as 32 hex chars. */
  keyHash?: string;
  /** From PID 0x0083, or Fast DDS' 0x800f when the sender is Fast DDS. */
  relatedSampleIdentity?: SampleIdentity;
  topicName?: string;
  /** Every parameter as received (vendor-specific ones included, uninterpreted). */
  parameters: RawParameter[];
}

const MAX_PARAMS = 64;

/**
 * A received inline QoS. It is parsed for every sample, so only the fields the receive path reads are taken
 * at once; the raw list is made on first use (most samples never ask for it).
 */
class ReceivedInlineQos implements InlineQos {
  statusInfo?: number;
  keyHash?: string;
  relatedSampleIdentity?: SampleIdentity;
  topicName?: string;
  readonly #buf: Buffer;
  readonly #le: boolean;
  #raw: RawParameter[] | undefined;

  constructor(buf: Buffer, le: boolean) {
    this.#buf = buf;
    this.#le = le;
  }

  get parameters(): RawParameter[] {
    if (this.#raw) return this.#raw;
    const raw: RawParameter[] = [];
    const buf = this.#buf;
    forEachParameter(buf, 0, buf.length, this.#le, (pid, offset, length) => {
      if (raw.length < MAX_PARAMS) raw.push({ pid, value: buf.subarray(offset, offset + length) });
    });
    this.#raw = raw;
    return raw;
  }

  /** Plain fields for JSON and equality in tests: the raw list too. */
  toJSON(): InlineQos {
    return { ...this, parameters: this.parameters };
  }
}

export function parseInlineQos(buf: Buffer, le: boolean, vendorId: number): InlineQos {
  const out = new ReceivedInlineQos(buf, le);
  forEachParameter(buf, 0, buf.length, le, (pid, offset, length) => {
    if (pid === PID.STATUS_INFO && length >= 4) out.statusInfo = buf[offset + 3];
    else if (pid === PID.KEY_HASH && length >= 16) out.keyHash = buf.toString('hex', offset, offset + 16);
    else if (pid === PID.TOPIC_NAME) out.topicName = new Cursor(buf, offset, offset + length, le).string();
    else if (pid === PID.RELATED_SAMPLE_IDENTITY && length >= 24) out.relatedSampleIdentity = readIdentity(new Cursor(buf, offset, offset + length, le));
    else if ((pid & PID_VENDOR_SPECIFIC) !== 0 && vendorId === VendorId.FAST_DDS && pid === FASTDDS_PID.RELATED_SAMPLE_IDENTITY && length >= 24) {
      out.relatedSampleIdentity ??= readIdentity(new Cursor(buf, offset, offset + length, le));
    }
  });
  return out;
}

function readIdentity(c: Cursor): SampleIdentity {
  const g = c.bytes(16);
  return { writerGuid: guidFromBytes(g), sequenceNumber: readSNValue(c) };
}

/** Options that shape the inline QoS we send with a sample. */
interface OutgoingInlineQos {
  keyHash?: Uint8Array;
  statusInfo?: number;
  relatedSampleIdentity?: SampleIdentity;
  /** Extra raw parameters, written as given (little-endian values expected). */
  extra?: RawParameter[];
}

/**
 * Encodes inline QoS (little-endian). A related sample identity is written under both the standard
 * id 0x0083 and Fast DDS' legacy 0x800f, exactly as Fast DDS itself does since 2023, because
 * Fast DDS 2.x readers only look at 0x800f; other vendors skip 0x800f from an unknown vendor.
 */
export function encodeInlineQos(q: OutgoingInlineQos): Buffer | undefined {
  if (q.keyHash === undefined && q.statusInfo === undefined && q.relatedSampleIdentity === undefined && !q.extra?.length) return undefined;
  const w = new ByteWriter(64, true);
  if (q.keyHash) writeParameter(w, PID.KEY_HASH, (w) => w.bytes(q.keyHash!.subarray(0, 16)));
  if (q.statusInfo !== undefined) writeParameter(w, PID.STATUS_INFO, (w) => w.u8(0).u8(0).u8(0).u8(q.statusInfo!));
  if (q.relatedSampleIdentity) {
    const rsi = q.relatedSampleIdentity;
    const body = (w: ByteWriter) => {
      w.bytes(guidToBytes(rsi.writerGuid));
      writeSN(w, rsi.sequenceNumber);
    };
    writeParameter(w, PID.RELATED_SAMPLE_IDENTITY, body);
    writeParameter(w, FASTDDS_PID.RELATED_SAMPLE_IDENTITY, body);
  }
  for (const p of q.extra ?? []) writeParameter(w, p.pid, (w) => w.bytes(p.value));
  writeSentinel(w);
  return w.finish();
}

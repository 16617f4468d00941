// ParticipantGenericMessage (DDS-Security 1.1 §7.2.6), the payload of the stateless and volatile-secure
// builtin messages, as Fast DDS 2.9.1 puts it on the wire (verified with a capture):
//   encapsulation CDR_LE 0x0001 (CDR_BE 0x0000 accepted)
//   message_identity          GUID (16) + sequence number (8)
//   related_message_identity  GUID (16) + sequence number (8)   (zero in a request)
//   destination_participant_guid (16), destination_endpoint_guid (16), source_endpoint_guid (16)
//   message_class_id          string ('dds.sec.auth', ...)
//   message_data              sequence<DataHolder>
// CDR alignment counts from the byte after the encapsulation header. Decoding is bounded.
import { ByteWriter } from '../../byte-writer.js';
import { Cursor, RtpsParseError } from '../../cursor.js';
import { EntityId, guidToBytes, makeGuid } from '../../guid.js';
import { Encapsulation } from '../../parameter-list.js';
import { DATA_HOLDER_LIMITS, readDataHolderSeq, writeDataHolderSeq, type DataHolder, type DataHolderLimits } from '../data-holder.js';
import { SecurityError } from '../errors.js';

export const AUTH_MESSAGE_CLASS = 'dds.sec.auth';

/** A message identity: the sending endpoint's GUID and a sequence number (kept as its 8 bytes on the wire). */
export interface MessageIdentity {
  guid: Buffer;
  sn: Buffer;
}

export interface GenericMessage {
  messageIdentity: MessageIdentity;
  relatedMessageIdentity: MessageIdentity;
  destinationParticipant: Buffer;
  destinationEndpoint: Buffer;
  sourceEndpoint: Buffer;
  classId: string;
  data: DataHolder[];
  /** The encapsulation was little-endian. */
  le: boolean;
}

const MAX_CLASS_ID = 256;
export const ZERO_GUID = Buffer.alloc(16);
export const NO_IDENTITY: MessageIdentity = { guid: ZERO_GUID, sn: Buffer.alloc(8) };

/** The 8 bytes of sequence number `n` as we send it (little-endian 64-bit, as Fast DDS writes it). */
export function snBytes(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n >>> 0, 0);
  b.writeUInt32LE(Math.floor(n / 0x1_0000_0000) >>> 0, 4);
  return b;
}

export const sameIdentity = (a: MessageIdentity, b: MessageIdentity): boolean => a.guid.equals(b.guid) && a.sn.equals(b.sn);

export function encodeGenericMessage(m: Omit<GenericMessage, 'le'>): Buffer {
  const w = new ByteWriter(1024, true);
  w.u16(Encapsulation.CDR_LE, false).u16(0, false);
  w.bytes(m.messageIdentity.guid).bytes(m.messageIdentity.sn);
  w.bytes(m.relatedMessageIdentity.guid).bytes(m.relatedMessageIdentity.sn);
  w.bytes(m.destinationParticipant).bytes(m.destinationEndpoint).bytes(m.sourceEndpoint);
  w.string(m.classId);
  writeDataHolderSeq(w, m.data, 4);
  return w.finish();
}

/** Decodes a ParticipantGenericMessage payload; throws SecurityError('bad-token' | 'too-large'). */
export function decodeGenericMessage(payload: Buffer, limits: DataHolderLimits = DATA_HOLDER_LIMITS): GenericMessage {
  try {
    if (payload.length < 4) throw new RtpsParseError('payload shorter than its encapsulation header');
    const enc = payload.readUInt16BE(0);
    if (enc !== Encapsulation.CDR_BE && enc !== Encapsulation.CDR_LE) throw new RtpsParseError(`encapsulation 0x${enc.toString(16)} is not CDR`);
    const le = enc === Encapsulation.CDR_LE;
    const c = new Cursor(payload, 4, payload.length, le);
    const id = (): MessageIdentity => ({ guid: Buffer.from(c.bytes(16)), sn: Buffer.from(c.bytes(8)) });
    const messageIdentity = id();
    const relatedMessageIdentity = id();
    const destinationParticipant = Buffer.from(c.bytes(16));
    const destinationEndpoint = Buffer.from(c.bytes(16));
    const sourceEndpoint = Buffer.from(c.bytes(16));
    const classId = c.string(MAX_CLASS_ID);
    const data = readDataHolderSeq(c, 4, limits);
    return { messageIdentity, relatedMessageIdentity, destinationParticipant, destinationEndpoint, sourceEndpoint, classId, data, le };
  } catch (err) {
    if (err instanceof RtpsParseError) throw new SecurityError('bad-token', `ParticipantGenericMessage does not decode: ${err.message}`);
    throw err;
  }
}

/** The message is for the participant with this GUID prefix (hex), or for every participant (zero GUID). */
export function addressedTo(m: GenericMessage, prefixHex: string): boolean {
  const d = m.destinationParticipant;
  return d.equals(ZERO_GUID) || d.equals(guidToBytes(makeGuid(prefixHex, EntityId.PARTICIPANT)));
}

// SEDP endpoint data (DCPSPublication / DCPSSubscription samples): PL encoding and decoding.

import { ByteWriter } from './byte-writer.js';
import { Cursor, RtpsParseError } from './cursor.js';
import { EntityId, guidFromBytes, guidToBytes, type Guid } from './guid.js';
import { readLocator, writeLocator, type Locator } from './locator.js';
import { Encapsulation, forEachParameter, readEncapsulation, writeParameter, writeSentinel } from './parameter-list.js';
import { CYCLONE_PID, PID, PID_MUST_UNDERSTAND, PID_VENDOR_SPECIFIC } from './pids.js';
import { internString, sameQos, shareQos } from './intern.js';
import { applyQosParameter, wireDefaultQos, writeQosParameters, type QoS } from './qos.js';
import { VendorId } from './vendor.js';

/** A reader or writer as announced by SEDP. */
export interface EndpointData {
  kind: 'writer' | 'reader';
  guid: Guid;
  /** 24 hex chars: the owning participant. */
  participantGuidPrefix: string;
  topicName: string;
  typeName: string;
  qos: QoS;
  userData: Buffer;
  unicastLocators: Locator[];
  multicastLocators: Locator[];
  expectsInlineQos: boolean;
  vendorId: number;
  /** XTypes TYPE_INFORMATION bytes when announced (opaque here). */
  typeInformation?: Buffer;
  /**
   * DDS-Security PID_ENDPOINT_SECURITY_INFO (0x1004): EndpointSecurityAttributesMask and
   * PluginEndpointSecurityAttributesMask (bit 31 = valid; bit 4 of `attributes` = payload protected).
   */
  securityInfo?: { attributes: number; pluginAttributes: number };
}

/** PID_ENDPOINT_SECURITY_INFO (DDS-Security 1.1 table 11). */
export const PID_ENDPOINT_SECURITY_INFO = 0x1004;
/** EndpointSecurityAttributesMask bits (DDS-Security 1.1 §7.4.1.6). */
export const EndpointSecurity = { READ_PROTECTED: 1 << 0, WRITE_PROTECTED: 1 << 1, DISCOVERY_PROTECTED: 1 << 2, SUBMESSAGE_PROTECTED: 1 << 3, PAYLOAD_PROTECTED: 1 << 4, KEY_PROTECTED: 1 << 5, LIVELINESS_PROTECTED: 1 << 6, VALID: 0x80000000 } as const;

const sameLocators = (a: readonly Locator[], b: readonly Locator[]): boolean => a.length === b.length && a.every((l, i) => l.kind === b[i].kind && l.port === b[i].port && l.address === b[i].address);
const sameBytes = (a: Buffer | undefined, b: Buffer | undefined): boolean => (a === undefined || b === undefined ? a === b : a.equals(b));

/**
 * Whether two announcements of one endpoint say the same (a repeat changes nothing: sedp-disposals.ts reads a
 * participant's SEDP again).
 */
export function sameEndpointData(a: EndpointData, b: EndpointData): boolean {
  return (
    a.kind === b.kind &&
    a.guid === b.guid &&
    a.participantGuidPrefix === b.participantGuidPrefix &&
    a.topicName === b.topicName &&
    a.typeName === b.typeName &&
    sameQos(a.qos, b.qos) &&
    a.expectsInlineQos === b.expectsInlineQos &&
    a.vendorId === b.vendorId &&
    a.userData.equals(b.userData) &&
    sameBytes(a.typeInformation, b.typeInformation) &&
    a.securityInfo?.attributes === b.securityInfo?.attributes &&
    a.securityInfo?.pluginAttributes === b.securityInfo?.pluginAttributes &&
    sameLocators(a.unicastLocators, b.unicastLocators) &&
    sameLocators(a.multicastLocators, b.multicastLocators)
  );
}

/** USER_DATA of an endpoint that announces none (one shared empty buffer). */
const NO_USER_DATA = Buffer.alloc(0);

/**
 * Decodes DATA(w)/DATA(r); returns null when a must-understand PID is not understood. Topic and type names
 * and the QoS are shared with equal ones of other endpoints (intern.ts): the QoS is frozen.
 */
export function decodeEndpointData(payload: Buffer, kind: 'writer' | 'reader', senderPrefix: string, senderVendor: number): EndpointData | null {
  const enc = readEncapsulation(payload);
  if (enc.id !== Encapsulation.PL_CDR_LE && enc.id !== Encapsulation.PL_CDR_BE) throw new RtpsParseError(`SEDP payload encapsulation 0x${enc.id.toString(16)}`);
  const d: EndpointData = {
    kind,
    guid: '',
    participantGuidPrefix: senderPrefix,
    topicName: '',
    typeName: '',
    qos: wireDefaultQos(kind === 'writer'),
    userData: NO_USER_DATA,
    unicastLocators: [],
    multicastLocators: [],
    expectsInlineQos: false,
    vendorId: senderVendor,
  };
  let keyHash = '';
  let reject = false;
  let participantGiven = false;
  const c = new Cursor(payload, 0, payload.length, enc.le);
  forEachParameter(payload, 4, payload.length, enc.le, (pid, offset, length) => {
    c.pos = offset;
    c.end = offset + length;
    if (applyQosParameter(d.qos, pid, c)) return;
    switch (pid) {
      case PID.TOPIC_NAME:
        d.topicName = internString(c.string(4096));
        break;
      case PID.TYPE_NAME:
        d.typeName = internString(c.string(4096));
        break;
      case PID.ENDPOINT_GUID:
        d.guid = guidFromBytes(c.bytes(16));
        break;
      case PID.KEY_HASH:
        keyHash = guidFromBytes(c.bytes(16));
        break;
      case PID.PARTICIPANT_GUID:
        d.participantGuidPrefix = c.bytes(16).toString('hex', 0, 12);
        participantGiven = true;
        break;
      case PID.USER_DATA: {
        const n = c.u32();
        d.userData = Buffer.from(c.bytes(n));
        break;
      }
      case PID.UNICAST_LOCATOR:
        if (d.unicastLocators.length < 16) d.unicastLocators.push(readLocator(c));
        break;
      case PID.MULTICAST_LOCATOR:
        if (d.multicastLocators.length < 16) d.multicastLocators.push(readLocator(c));
        break;
      case PID.EXPECTS_INLINE_QOS:
        d.expectsInlineQos = c.u8() !== 0;
        break;
      case PID.VENDORID:
        d.vendorId = (c.u8() << 8) | c.u8();
        break;
      case PID.TYPE_INFORMATION:
        d.typeInformation = Buffer.from(c.bytes(length));
        break;
      case PID_ENDPOINT_SECURITY_INFO:
        d.securityInfo = { attributes: c.u32(), pluginAttributes: c.u32() };
        break;
      default:
        if ((pid & PID_VENDOR_SPECIFIC) !== 0) {
          // Old Cyclone/OpenSplice endpoint GUID, meaningful only from Cyclone.
          if (senderVendor === VendorId.CYCLONE_DDS && pid === CYCLONE_PID.ENDPOINT_GUID && length >= 16 && d.guid === '') d.guid = guidFromBytes(c.bytes(16));
        } else if ((pid & PID_MUST_UNDERSTAND) !== 0) {
          reject = true;
        }
    }
  });
  if (reject) return null;
  if (d.guid === '') d.guid = keyHash;
  if (d.guid === '') throw new RtpsParseError('SEDP data without endpoint GUID');
  if (!participantGiven) d.participantGuidPrefix = d.guid.slice(0, 24);
  d.qos = shareQos(d.qos);
  return d;
}

/** Encodes our endpoint announcement as PL_CDR_LE. */
export function encodeEndpointData(d: EndpointData): Buffer {
  const w = new ByteWriter(512, true);
  w.u16(Encapsulation.PL_CDR_LE, false).u16(0, false);
  writeParameter(w, PID.ENDPOINT_GUID, (w) => w.bytes(guidToBytes(d.guid)));
  writeParameter(w, PID.PARTICIPANT_GUID, (w) => w.bytes(Buffer.from(d.participantGuidPrefix, 'hex')).u32(EntityId.PARTICIPANT, false));
  writeParameter(w, PID.TOPIC_NAME, (w) => w.string(d.topicName));
  writeParameter(w, PID.TYPE_NAME, (w) => w.string(d.typeName));
  writeParameter(w, PID.PROTOCOL_VERSION, (w) => w.u8(2).u8(3));
  writeParameter(w, PID.VENDORID, (w) => w.u16(d.vendorId, false));
  writeQosParameters(w, d.qos, d.kind === 'writer');
  if (d.userData.length > 0) {
    writeParameter(w, PID.USER_DATA, (w) => {
      w.u32(d.userData.length);
      w.bytes(d.userData);
    });
  }
  for (const l of d.unicastLocators) writeParameter(w, PID.UNICAST_LOCATOR, (w) => writeLocator(w, l));
  for (const l of d.multicastLocators) writeParameter(w, PID.MULTICAST_LOCATOR, (w) => writeLocator(w, l));
  const sec = d.securityInfo;
  if (sec) writeParameter(w, PID_ENDPOINT_SECURITY_INFO, (w) => w.u32(sec.attributes).u32(sec.pluginAttributes));
  writeSentinel(w);
  return w.finish();
}

/** Serialized key of an endpoint (dispose): PL with PID_ENDPOINT_GUID. */
export function encodeEndpointKey(guid: Guid): Buffer {
  const w = new ByteWriter(48, true);
  w.u16(Encapsulation.PL_CDR_LE, false).u16(0, false);
  writeParameter(w, PID.ENDPOINT_GUID, (w) => w.bytes(guidToBytes(guid)));
  writeSentinel(w);
  return w.finish();
}

/** Reads the GUID out of a serialized key payload (PL with ENDPOINT_GUID or PARTICIPANT_GUID). */
export function decodeKeyPayload(payload: Buffer): Guid | undefined {
  if (payload.length < 4) return undefined;
  const enc = readEncapsulation(payload);
  if (enc.id !== Encapsulation.PL_CDR_LE && enc.id !== Encapsulation.PL_CDR_BE) return undefined;
  let guid: Guid | undefined;
  forEachParameter(payload, 4, payload.length, enc.le, (pid, offset, length) => {
    if ((pid === PID.ENDPOINT_GUID || pid === PID.PARTICIPANT_GUID || pid === PID.KEY_HASH) && length >= 16) guid ??= guidFromBytes(payload, offset);
  });
  return guid;
}

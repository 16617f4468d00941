// SPDP participant data (DCPSParticipant samples): parameter-list encoding and decoding.

import { ByteWriter } from './byte-writer.js';
import { Cursor, RtpsParseError } from './cursor.js';
import { EntityId, prefixToHex } from './guid.js';
import { readLocator, writeLocator, type Locator } from './locator.js';
import { Encapsulation, forEachParameter, readEncapsulation, writeParameter, writeSentinel } from './parameter-list.js';
import { PID, PID_MUST_UNDERSTAND, PID_VENDOR_SPECIFIC } from './pids.js';
import { secondsToWire, wireToSeconds } from './time.js';

/** What a participant announces about itself. */
export interface ParticipantData {
  /** 24 hex chars. */
  guidPrefix: string;
  vendorId: number;
  protocolVersion: { major: number; minor: number };
  leaseDurationSec: number;
  /** PID_BUILTIN_ENDPOINT_SET bits. */
  builtinEndpoints: number;
  domainId?: number;
  defaultUnicastLocators: Locator[];
  defaultMulticastLocators: Locator[];
  metatrafficUnicastLocators: Locator[];
  metatrafficMulticastLocators: Locator[];
  userData: Buffer;
  entityName?: string;
  properties: Record<string, string>;
  /**
   * DDS-Security parameters as received (PID_IDENTITY_TOKEN 0x1001, PID_PERMISSIONS_TOKEN 0x1002,
   * PID_PARTICIPANT_SECURITY_INFO 0x1005; bodies in the parameter list's endianness `le`); on encode, parameters
   * added to ours (little-endian bodies).
   */
  security?: { le: boolean; parameters: { pid: number; body: Buffer }[] };
}

/** DDS-Security parameter ids in SPDP (DDS-Security 1.1 table 10). */
export const SECURITY_PID = { IDENTITY_TOKEN: 0x1001, PERMISSIONS_TOKEN: 0x1002, PARTICIPANT_SECURITY_INFO: 0x1005 } as const;
const MAX_SECURITY_PARAMETERS = 8;

/** PID_BUILTIN_ENDPOINT_SET bits of the DDS-Security builtin endpoints (DDS-Security 1.1 §7.4.7.1). */
export const SecureBuiltinEndpoint = {
  PUBLICATIONS_SECURE_WRITER: 1 << 16,
  PUBLICATIONS_SECURE_READER: 1 << 17,
  SUBSCRIPTIONS_SECURE_WRITER: 1 << 18,
  SUBSCRIPTIONS_SECURE_READER: 1 << 19,
  PARTICIPANT_MESSAGE_SECURE_WRITER: 1 << 20,
  PARTICIPANT_MESSAGE_SECURE_READER: 1 << 21,
  PARTICIPANT_STATELESS_MESSAGE_WRITER: 1 << 22,
  PARTICIPANT_STATELESS_MESSAGE_READER: 1 << 23,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER: 1 << 24,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER: 1 << 25,
  PARTICIPANT_SECURE_WRITER: 1 << 26,
  PARTICIPANT_SECURE_READER: 1 << 27,
} as const;

/** Builtin endpoint set bits we use. */
export const BuiltinEndpoint = {
  PARTICIPANT_ANNOUNCER: 1 << 0,
  PARTICIPANT_DETECTOR: 1 << 1,
  PUBLICATIONS_ANNOUNCER: 1 << 2,
  PUBLICATIONS_DETECTOR: 1 << 3,
  SUBSCRIPTIONS_ANNOUNCER: 1 << 4,
  SUBSCRIPTIONS_DETECTOR: 1 << 5,
  PARTICIPANT_MESSAGE_WRITER: 1 << 10,
  PARTICIPANT_MESSAGE_READER: 1 << 11,
} as const;

/** What we announce: 0x00000c3f (packages/rtps/README.md). */
export const OUR_BUILTIN_ENDPOINTS = 0x0c3f;

const MAX_LOCATORS = 16;

/** Decodes a PL_CDR payload. Throws RtpsParseError; returns null if a must-understand PID is unknown. */
export function decodeParticipantData(payload: Buffer, senderVendor: number): ParticipantData | null {
  const enc = readEncapsulation(payload);
  if (enc.id !== Encapsulation.PL_CDR_LE && enc.id !== Encapsulation.PL_CDR_BE) throw new RtpsParseError(`SPDP payload encapsulation 0x${enc.id.toString(16)}`);
  const d: ParticipantData = {
    guidPrefix: '',
    vendorId: senderVendor,
    protocolVersion: { major: 2, minor: 1 },
    leaseDurationSec: 100,
    builtinEndpoints: 0,
    defaultUnicastLocators: [],
    defaultMulticastLocators: [],
    metatrafficUnicastLocators: [],
    metatrafficMulticastLocators: [],
    userData: Buffer.alloc(0),
    properties: {},
  };
  let reject = false;
  const c = new Cursor(payload, 0, payload.length, enc.le);
  forEachParameter(payload, 4, payload.length, enc.le, (pid, offset, length) => {
    c.pos = offset;
    c.end = offset + length;
    switch (pid) {
      case PID.PARTICIPANT_GUID:
        d.guidPrefix = prefixToHex(c.bytes(16).subarray(0, 12));
        break;
      case PID.VENDORID:
        d.vendorId = (c.u8() << 8) | c.u8();
        break;
      case PID.PROTOCOL_VERSION:
        d.protocolVersion = { major: c.u8(), minor: c.u8() };
        break;
      case PID.PARTICIPANT_LEASE_DURATION:
        d.leaseDurationSec = wireToSeconds(c.i32(), c.u32());
        break;
      case PID.BUILTIN_ENDPOINT_SET:
        d.builtinEndpoints = c.u32();
        break;
      case PID.DOMAIN_ID:
        d.domainId = c.u32();
        break;
      case PID.DEFAULT_UNICAST_LOCATOR:
        pushLocator(d.defaultUnicastLocators, c);
        break;
      case PID.DEFAULT_MULTICAST_LOCATOR:
        pushLocator(d.defaultMulticastLocators, c);
        break;
      case PID.METATRAFFIC_UNICAST_LOCATOR:
        pushLocator(d.metatrafficUnicastLocators, c);
        break;
      case PID.METATRAFFIC_MULTICAST_LOCATOR:
        pushLocator(d.metatrafficMulticastLocators, c);
        break;
      case PID.USER_DATA: {
        const n = c.u32();
        d.userData = Buffer.from(c.bytes(n));
        break;
      }
      case PID.ENTITY_NAME:
        d.entityName = c.string(4096);
        break;
      case PID.PROPERTY_LIST:
        readProperties(c, d.properties);
        break;
      case SECURITY_PID.IDENTITY_TOKEN:
      case SECURITY_PID.PERMISSIONS_TOKEN:
      case SECURITY_PID.PARTICIPANT_SECURITY_INFO: {
        const sec = (d.security ??= { le: enc.le, parameters: [] });
        if (sec.parameters.length < MAX_SECURITY_PARAMETERS) sec.parameters.push({ pid, body: Buffer.from(c.bytes(length)) });
        break;
      }
      case PID.DOMAIN_TAG: {
        // A tagged participant lives in another logical domain: ignore it unless the tag is empty.
        if (c.string(4096) !== '') reject = true;
        break;
      }
      default:
        if ((pid & PID_VENDOR_SPECIFIC) === 0 && (pid & PID_MUST_UNDERSTAND) !== 0) reject = true;
    }
  });
  if (reject) return null;
  if (d.guidPrefix === '') throw new RtpsParseError('SPDP data without PID_PARTICIPANT_GUID');
  return d;
}

function pushLocator(list: Locator[], c: Cursor): void {
  if (list.length < MAX_LOCATORS) list.push(readLocator(c));
}

function readProperties(c: Cursor, out: Record<string, string>): void {
  const n = c.u32();
  for (let i = 0; i < n && i < 64; i++) {
    c.align(4);
    const name = c.string(4096);
    c.align(4);
    const value = c.string(65536);
    out[name] = value;
  }
}

/**
 * Encodes our participant announcement: as the SPDP payload (PL_CDR_LE, encapsulation header included), or
 * as DDS-Security's c.pdata (`pdata`: the parameter list big-endian without encapsulation header, as Fast DDS
 * 2.9.1 sends it in a handshake). Security parameter bodies must be in the matching endianness.
 */
export function encodeParticipantData(d: ParticipantData, form: 'spdp' | 'pdata' = 'spdp'): Buffer {
  const w = new ByteWriter(512, form === 'spdp');
  if (form === 'spdp') w.u16(Encapsulation.PL_CDR_LE, false).u16(0, false);
  if (d.userData.length > 0) {
    writeParameter(w, PID.USER_DATA, (w) => {
      w.u32(d.userData.length);
      w.bytes(d.userData);
    });
  }
  writeParameter(w, PID.PROTOCOL_VERSION, (w) => w.u8(d.protocolVersion.major).u8(d.protocolVersion.minor));
  writeParameter(w, PID.VENDORID, (w) => w.u16(d.vendorId, false));
  writeParameter(w, PID.PARTICIPANT_LEASE_DURATION, (w) => {
    const [s, f] = secondsToWire(d.leaseDurationSec);
    w.i32(s).u32(f);
  });
  writeParameter(w, PID.PARTICIPANT_GUID, (w) => w.bytes(Buffer.from(d.guidPrefix, 'hex')).u32(EntityId.PARTICIPANT, false));
  writeParameter(w, PID.BUILTIN_ENDPOINT_SET, (w) => w.u32(d.builtinEndpoints));
  if (d.domainId !== undefined) writeParameter(w, PID.DOMAIN_ID, (w) => w.u32(d.domainId!));
  for (const l of d.defaultUnicastLocators) writeParameter(w, PID.DEFAULT_UNICAST_LOCATOR, (w) => writeLocator(w, l));
  for (const l of d.defaultMulticastLocators) writeParameter(w, PID.DEFAULT_MULTICAST_LOCATOR, (w) => writeLocator(w, l));
  for (const l of d.metatrafficUnicastLocators) writeParameter(w, PID.METATRAFFIC_UNICAST_LOCATOR, (w) => writeLocator(w, l));
  for (const l of d.metatrafficMulticastLocators) writeParameter(w, PID.METATRAFFIC_MULTICAST_LOCATOR, (w) => writeLocator(w, l));
  if (d.entityName !== undefined) writeParameter(w, PID.ENTITY_NAME, (w) => w.string(d.entityName!));
  const props = Object.entries(d.properties);
  if (props.length > 0) {
    // PID_PROPERTY_LIST: a sequence of (name, value) string pairs (e.g. a Fast DDS discovery server client's type).
    writeParameter(w, PID.PROPERTY_LIST, (w) => {
      const start = w.pos;
      w.u32(props.length);
      for (const [name, value] of props) {
        w.align(4, start).string(name);
        w.align(4, start).string(value);
      }
    });
  }
  for (const p of d.security?.parameters ?? []) writeParameter(w, p.pid, (w) => w.bytes(p.body));
  writeSentinel(w);
  return w.finish();
}

/** The serialized key of a participant (for dispose messages): PL with PID_PARTICIPANT_GUID. */
export function encodeParticipantKey(guidPrefixHex: string): Buffer {
  const w = new ByteWriter(64, true);
  w.u16(Encapsulation.PL_CDR_LE, false).u16(0, false);
  writeParameter(w, PID.PARTICIPANT_GUID, (w) => w.bytes(Buffer.from(guidPrefixHex, 'hex')).u32(EntityId.PARTICIPANT, false));
  writeSentinel(w);
  return w.finish();
}

/**
 * The two request-id conventions of ROS 2 services on DDS (docs/ros2.md): rmw_cyclonedds puts a
 * 16-byte header (client id, sequence) in front of the payload; rmw_fastrtps sends the related
 * sample identity in inline QoS. The convention is chosen per server from its vendor (docs/ros2.md).
 */
import { VendorId } from '@medkit/rtps';

/** How request and reply are paired. */
export type ServiceConvention = 'cyclone' | 'fastdds';

/**
 * Convention to speak with an endpoint of this vendor: Cyclone's header for Cyclone DDS, the
 * sample-identity form (standard DDS-RPC) for Fast DDS and for medkit itself; undefined otherwise.
 */
export function conventionForVendor(vendorId: number): ServiceConvention | undefined {
  if (vendorId === VendorId.CYCLONE_DDS) return 'cyclone';
  if (vendorId === VendorId.FAST_DDS || vendorId === VendorId.MEDKIT) return 'fastdds';
  return undefined;
}

/** Size of rmw_cyclonedds' request header. */
const CYCLONE_HEADER_SIZE = 16;

/** Inserts the Cyclone header after the encapsulation header of a serialized body. */
export function withCycloneHeader(body: Uint8Array, clientId: bigint, sequence: bigint): Buffer {
  const out = Buffer.alloc(body.length + CYCLONE_HEADER_SIZE);
  out.set(body.subarray(0, 4), 0);
  const le = body[1] === 0x01;
  if (le) {
    out.writeBigUInt64LE(clientId, 4);
    out.writeBigInt64LE(sequence, 12);
  } else {
    out.writeBigUInt64BE(clientId, 4);
    out.writeBigInt64BE(sequence, 12);
  }
  out.set(body.subarray(4), 4 + CYCLONE_HEADER_SIZE);
  return out;
}

/** A payload split into Cyclone header and body (the body keeps an encapsulation header). */
export interface CycloneRequest {
  clientId: bigint;
  sequence: bigint;
  body: Buffer;
}

/** Reads the Cyclone header; undefined when the payload is too short or not plain CDR. */
export function readCycloneHeader(payload: Buffer): CycloneRequest | undefined {
  if (payload.length < 4 + CYCLONE_HEADER_SIZE || payload[0] !== 0) return undefined;
  const le = payload[1] === 0x01;
  if (!le && payload[1] !== 0x00) return undefined;
  const clientId = le ? payload.readBigUInt64LE(4) : payload.readBigUInt64BE(4);
  const sequence = le ? payload.readBigInt64LE(12) : payload.readBigInt64BE(12);
  const body = Buffer.alloc(payload.length - CYCLONE_HEADER_SIZE);
  payload.copy(body, 0, 0, 4);
  payload.copy(body, 4, 4 + CYCLONE_HEADER_SIZE);
  return { clientId, sequence, body };
}

/** True when a GUID names a reader (entity kind bit 0x04), as rmw_fastrtps tests reply targets. */
export function isReaderGuid(guid: string): boolean {
  return (parseInt(guid.slice(30, 32), 16) & 0x04) !== 0;
}

/** True for the all-zero ("unknown") GUID. */
export function isUnknownGuid(guid: string): boolean {
  return /^0*$/.test(guid);
}

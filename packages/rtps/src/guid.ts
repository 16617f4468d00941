// GUIDs: a 12-byte participant prefix plus a 4-byte entity id (3-byte key, 1-byte kind).
// Public API uses 32-char lowercase hex strings (prefix hex + entity hex): they are map keys,
// printable, and convert to the bytes ROS puts in its Gid fields with guidToBytes().

/** A GUID as 32 lowercase hex characters: 24 for the prefix, 8 for the entity id. */
export type Guid = string;

/** Entity kinds (last octet of an entity id). */
export const EntityKind = {
  USER_WRITER_WITH_KEY: 0x02,
  USER_WRITER_NO_KEY: 0x03,
  USER_READER_NO_KEY: 0x04,
  USER_READER_WITH_KEY: 0x07,
  BUILTIN_PARTICIPANT: 0xc1,
  BUILTIN_WRITER_WITH_KEY: 0xc2,
  BUILTIN_WRITER_NO_KEY: 0xc3,
  BUILTIN_READER_NO_KEY: 0xc4,
  BUILTIN_READER_WITH_KEY: 0xc7,
} as const;

/** The entity kind is an entity id's last octet. */
const ENTITY_KIND_MASK = 0xff;

/** Well-known entity ids (RTPS 2.x table 9.2). */
export const EntityId = {
  UNKNOWN: 0x00000000,
  PARTICIPANT: 0x000001c1,
  SPDP_WRITER: 0x000100c2,
  SPDP_READER: 0x000100c7,
  SEDP_PUBLICATIONS_WRITER: 0x000003c2,
  SEDP_PUBLICATIONS_READER: 0x000003c7,
  SEDP_SUBSCRIPTIONS_WRITER: 0x000004c2,
  SEDP_SUBSCRIPTIONS_READER: 0x000004c7,
  SEDP_TOPICS_WRITER: 0x000002c2,
  SEDP_TOPICS_READER: 0x000002c7,
  PARTICIPANT_MESSAGE_WRITER: 0x000200c2,
  PARTICIPANT_MESSAGE_READER: 0x000200c7,
  /** DDS-Security ParticipantStatelessMessage (authentication handshake), best effort. */
  STATELESS_WRITER: 0x000201c3,
  STATELESS_READER: 0x000201c4,
  /** DDS-Security ParticipantVolatileMessageSecure (crypto tokens), reliable, always protected. */
  VOLATILE_SECURE_WRITER: 0xff0202c3,
  VOLATILE_SECURE_READER: 0xff0202c4,
  /** DDS-Security secure participant-message (liveliness where the governance protects it). */
  PARTICIPANT_MESSAGE_SECURE_WRITER: 0xff0200c2,
  PARTICIPANT_MESSAGE_SECURE_READER: 0xff0200c7,
  /** DDS-Security secure SEDP (topics with enable_discovery_protection). */
  SEDP_PUBLICATIONS_SECURE_WRITER: 0xff0003c2,
  SEDP_PUBLICATIONS_SECURE_READER: 0xff0003c7,
  SEDP_SUBSCRIPTIONS_SECURE_WRITER: 0xff0004c2,
  SEDP_SUBSCRIPTIONS_SECURE_READER: 0xff0004c7,
} as const;

export function prefixToHex(prefix: Uint8Array): string {
  return Buffer.from(prefix.buffer, prefix.byteOffset, 12).toString('hex');
}

function entityIdToHex(id: number): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}

export function makeGuid(prefixHex: string, entityId: number): Guid {
  return prefixHex + entityIdToHex(entityId);
}

export function guidPrefixOf(guid: Guid): string {
  return guid.slice(0, 24);
}

export function guidEntityId(guid: Guid): number {
  return parseInt(guid.slice(24, 32), 16) >>> 0;
}

/** The 16 bytes of a GUID. */
export function guidToBytes(guid: Guid): Buffer {
  return Buffer.from(guid, 'hex');
}

export function guidFromBytes(bytes: Uint8Array, offset = 0): Guid {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, 16).toString('hex');
}

/** True when the entity id names a writer (user or built-in). */
export function isWriterEntity(id: number): boolean {
  const kind = id & ENTITY_KIND_MASK;
  return kind === EntityKind.USER_WRITER_WITH_KEY || kind === EntityKind.USER_WRITER_NO_KEY || kind === EntityKind.BUILTIN_WRITER_WITH_KEY || kind === EntityKind.BUILTIN_WRITER_NO_KEY;
}

/** True when the entity id names an endpoint of a keyed topic (entity kind WITH_KEY). */
export function isKeyedEntity(id: number): boolean {
  const kind = id & ENTITY_KIND_MASK;
  return kind === EntityKind.USER_WRITER_WITH_KEY || kind === EntityKind.USER_READER_WITH_KEY || kind === EntityKind.BUILTIN_WRITER_WITH_KEY || kind === EntityKind.BUILTIN_READER_WITH_KEY;
}

/** The topic kind of an endpoint, from the entity kind in its GUID. */
export function topicKind(guid: Guid): 'WITH_KEY' | 'NO_KEY' {
  return isKeyedEntity(guidEntityId(guid)) ? 'WITH_KEY' : 'NO_KEY';
}

/** A fresh random prefix that starts with our vendor id, as Fast DDS and Cyclone do. */
export function randomGuidPrefix(vendorId: number): Buffer {
  const p = Buffer.alloc(12);
  p.writeUInt16BE(vendorId, 0);
  for (let i = 2; i < 12; i++) p[i] = Math.floor(Math.random() * 256);
  // Mix in the pid so that two participants created in the same millisecond differ.
  p.writeUInt16BE((process.pid ^ p.readUInt16BE(2)) & 0xffff, 2);
  return p;
}

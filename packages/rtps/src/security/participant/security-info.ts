// What discovery says about security (DDS-Security 1.1 §7.4.1.5, §7.4.7.1, §9.4.2.4): the builtin endpoint
// bits of the secure builtin endpoints, and the masks of PID_PARTICIPANT_SECURITY_INFO and
// PID_ENDPOINT_SECURITY_INFO made from the governance's rules, and tokens as SPDP parameters.
import { ByteWriter } from '../../byte-writer.js';
import { EndpointSecurity } from '../../discovery-sedp-data.js';
import type { SpdpParameter } from '../../participant-security.js';
import { writeDataHolder, type DataHolder } from '../data-holder.js';
import type { DomainRule, ProtectionKind, TopicRule } from '../access/governance.js';

export { SecureBuiltinEndpoint } from '../../discovery-spdp-data.js';

/** The top bit of every security attributes mask: the mask is valid. */
const SECURITY_INFO_VALID = EndpointSecurity.VALID;

/** ParticipantSecurityAttributesMask (§7.4.1.5): bit i for rtps, discovery, liveliness protection, in that order. */
const ParticipantSecurityAttribute = {
  IS_RTPS_PROTECTED: 1 << 0,
  IS_DISCOVERY_PROTECTED: 1 << 1,
  IS_LIVELINESS_PROTECTED: 1 << 2,
} as const;

/** PluginParticipantSecurityAttributesMask of the builtin plugins (§9.4.2.4). */
const PluginParticipantSecurityAttribute = {
  IS_RTPS_ENCRYPTED: 1 << 0,
  IS_DISCOVERY_ENCRYPTED: 1 << 1,
  IS_LIVELINESS_ENCRYPTED: 1 << 2,
  IS_RTPS_ORIGIN_AUTHENTICATED: 1 << 3,
  IS_DISCOVERY_ORIGIN_AUTHENTICATED: 1 << 4,
  IS_LIVELINESS_ORIGIN_AUTHENTICATED: 1 << 5,
} as const;

/** PluginEndpointSecurityAttributesMask of the builtin plugins (§9.4.2.4). */
const PluginEndpointSecurityAttribute = {
  IS_SUBMESSAGE_ENCRYPTED: 1 << 0,
  IS_PAYLOAD_ENCRYPTED: 1 << 1,
  IS_SUBMESSAGE_ORIGIN_AUTHENTICATED: 1 << 2,
} as const;

const encrypted = (k: ProtectionKind): boolean => k.startsWith('ENCRYPT');
const originAuthenticated = (k: ProtectionKind): boolean => k.endsWith('ORIGIN_AUTHENTICATION');

/** Protection bits of PID_PARTICIPANT_SECURITY_INFO for a domain rule. */
export function participantSecurityInfo(rule: DomainRule | undefined): { attributes: number; pluginAttributes: number } {
  let attributes = SECURITY_INFO_VALID;
  let plugin = SECURITY_INFO_VALID;
  const A = ParticipantSecurityAttribute;
  const P = PluginParticipantSecurityAttribute;
  const parts: [ProtectionKind | undefined, number, number, number][] = [
    [rule?.rtpsProtectionKind, A.IS_RTPS_PROTECTED, P.IS_RTPS_ENCRYPTED, P.IS_RTPS_ORIGIN_AUTHENTICATED],
    [rule?.discoveryProtectionKind, A.IS_DISCOVERY_PROTECTED, P.IS_DISCOVERY_ENCRYPTED, P.IS_DISCOVERY_ORIGIN_AUTHENTICATED],
    [rule?.livelinessProtectionKind, A.IS_LIVELINESS_PROTECTED, P.IS_LIVELINESS_ENCRYPTED, P.IS_LIVELINESS_ORIGIN_AUTHENTICATED],
  ];
  for (const [kind, protectedBit, encryptedBit, originBit] of parts) {
    if (kind === undefined || kind === 'NONE') continue;
    attributes |= protectedBit;
    if (encrypted(kind)) plugin |= encryptedBit;
    if (originAuthenticated(kind)) plugin |= originBit;
  }
  return { attributes: attributes >>> 0, pluginAttributes: plugin >>> 0 };
}

/** PID_ENDPOINT_SECURITY_INFO for a topic rule (the masks Fast DDS 2.9.1 announces, checked on the wire). */
export function endpointSecurityInfo(t: TopicRule): { attributes: number; pluginAttributes: number } {
  const E = EndpointSecurity;
  const P = PluginEndpointSecurityAttribute;
  let attributes = SECURITY_INFO_VALID;
  let plugin = SECURITY_INFO_VALID;
  if (t.enableReadAccessControl) attributes |= E.READ_PROTECTED;
  if (t.enableWriteAccessControl) attributes |= E.WRITE_PROTECTED;
  if (t.enableDiscoveryProtection) attributes |= E.DISCOVERY_PROTECTED;
  if (t.metadataProtectionKind !== 'NONE') attributes |= E.SUBMESSAGE_PROTECTED;
  if (t.dataProtectionKind !== 'NONE') attributes |= E.PAYLOAD_PROTECTED;
  if (t.dataProtectionKind === 'ENCRYPT') attributes |= E.KEY_PROTECTED;
  if (t.enableLivelinessProtection) attributes |= E.LIVELINESS_PROTECTED;
  if (encrypted(t.metadataProtectionKind)) plugin |= P.IS_SUBMESSAGE_ENCRYPTED;
  if (t.dataProtectionKind === 'ENCRYPT') plugin |= P.IS_PAYLOAD_ENCRYPTED;
  if (originAuthenticated(t.metadataProtectionKind)) plugin |= P.IS_SUBMESSAGE_ORIGIN_AUTHENTICATED;
  return { attributes: attributes >>> 0, pluginAttributes: plugin >>> 0 };
}

/** A token (DataHolder) as an SPDP parameter, in the parameter list's endianness. */
export function tokenParameter(pid: number, token: DataHolder, le: boolean): SpdpParameter {
  const w = new ByteWriter(256, le);
  writeDataHolder(w, token);
  return { pid, body: w.finish() };
}

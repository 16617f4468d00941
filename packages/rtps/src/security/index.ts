// @medkit/rtps/security: DDS-Security 1.1 for the participant: access-control documents and their evaluator,
// PKI-DH authentication primitives and tokens, the AES-GCM-GMAC transforms, and participantSecurity(): the three
// plugins (authentication, access control, cryptography) on the wire (ParticipantOptions.security). Loaded only
// when security is on (it pulls in pkijs).
export { SecurityError, type SecurityReason } from './errors.js';
export {
  DATA_HOLDER_LIMITS,
  encodeDataHolder,
  decodeDataHolder,
  writeDataHolder,
  readDataHolder,
  writeDataHolderSeq,
  readDataHolderSeq,
  encodeBinaryProperties,
  property,
  binaryProperty,
  stringProperty,
  propertyString,
  type DataHolder,
  type DataHolderLimits,
  type Property,
  type BinaryProperty,
} from './data-holder.js';
export { parseXml, XML_LIMITS, type XmlElement, type XmlLimits } from './access/xml.js';
export { fnmatch } from './access/fnmatch.js';
export { inDomains, type DomainRange } from './access/domains.js';
export { parseGovernance, domainRuleFor, topicRuleFor, type Governance, type DomainRule, type TopicRule, type ProtectionKind, type BasicProtectionKind } from './access/governance.js';
export { parsePermissions, type Permissions, type Grant, type Rule, type Criteria } from './access/permissions.js';
export { AccessControl, type Action, type Decision, type CheckOptions } from './access/evaluator.js';
export { sameSubject, canonicalDn, rfc4514, opensslOneline } from './access/subject-name.js';
export { verifySmime, splitSmime, SMIME_LIMITS, type SignedDocument, type SmimeLimits } from './access/smime.js';
export { loadIdentity, verifyCertificate, parseCertificate, certAlgo, dsignAlgoOf, adjustedGuidPrefix, subjectDer, type Identity, type CertAlgo, type DsignAlgo } from './auth/identity.js';
export { identityToken, permissionsToken, checkIdentityToken, authRequestToken, futureChallenge, IDENTITY_TOKEN_CLASS, PERMISSIONS_TOKEN_CLASS, AUTH_REQUEST_CLASS, CHALLENGE_BYTES } from './auth/tokens.js';
export { newKeyAgreement, checkPublicKey, KAGREE_ALGOS, type KagreeAlgo, type KeyAgreement } from './auth/key-agreement.js';
export { encodeParticipantPdata, pdataGuidPrefix } from './auth/pdata.js';
export {
  HandshakeInitiator,
  HandshakeReplier,
  HANDSHAKE_REQUEST_CLASS,
  HANDSHAKE_REPLY_CLASS,
  HANDSHAKE_FINAL_CLASS,
  type LocalParticipant,
  type SharedSecret,
  type HandshakeResult,
  type HandshakeOptions,
} from './auth/handshake.js';
export {
  newKeyMaterial,
  encodeKeyMaterial,
  decodeKeyMaterial,
  cryptoToken,
  keyMaterialOf,
  sessionKey,
  sessionReceiverKey,
  transformKindCode,
  transformKindOf,
  CRYPTO_TOKEN_CLASS,
  kxKeyMaterial,
  type KeyMaterial,
  type TransformKind,
} from './crypto/key-material.js';
export { aesGcmAddonError, aesGcmBackend, aesGcmKey, type AesGcmBackend, type AesGcmKey } from './crypto/aes-gcm.js';
export { cryptoHeaderAt, CryptoSender, CryptoReceiver, newCryptoStats, SEC_BODY, SEC_PREFIX, SEC_POSTFIX, SRTPS_PREFIX, SRTPS_POSTFIX, type CryptoStats } from './crypto/transform.js';
export { encodeGenericMessage, decodeGenericMessage, AUTH_MESSAGE_CLASS, type GenericMessage, type MessageIdentity } from './participant/generic-message.js';
export { participantSecurity, SecureParticipant, type ParticipantSecurityOptions } from './participant/secure-participant.js';
export { PkiDhAuthentication } from './participant/authentication.js';
export { PermissionsAccessControl, MAX_REFUSED_ENDPOINTS_LISTED, MAX_REFUSED_ENDPOINTS_COUNTED } from './participant/access-control.js';
export { AesGcmCryptography } from './participant/cryptography.js';
export type { HandshakeState, PeerAuthState } from './participant/handshake-table.js';
export { participantSecurityInfo, SecureBuiltinEndpoint } from './participant/security-info.js';
export type { PeerAuthStatus, RefusedEndpoint, AuthenticationStats, ReceivedCryptoToken } from './participant/peers.js';

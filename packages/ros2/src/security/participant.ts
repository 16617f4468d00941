// DDS-Security for a RosContext from a loaded SROS2 enclave: participantSecurity() (@medkit/rtps/security) with
// the enclave's identity, permissions CA, signed permissions and access control. Loaded only when security is on
// (RosContext.create imports it only for an enclave; it brings pkijs).
import { participantSecurity, type ParticipantSecurityOptions, type SecureParticipant } from '@medkit/rtps/security';
import type { LoadedEnclave } from './keystore.js';

/** Further participantSecurity() options (handshake limits, clock, per-peer callback). */
export type EnclaveSecurityOptions = Omit<ParticipantSecurityOptions, 'identity' | 'permissionsDocument' | 'permissionsCa' | 'access' | 'domainId'>;

/** The security object a participant on `domainId` needs to join with `enclave`'s keys. */
export function enclaveSecurity(enclave: LoadedEnclave, domainId: number, opts: EnclaveSecurityOptions = {}): SecureParticipant {
  return participantSecurity({ ...opts, identity: enclave.identity, permissionsDocument: enclave.permissionsDocument, permissionsCa: enclave.permissionsCa, access: enclave.access, domainId });
}

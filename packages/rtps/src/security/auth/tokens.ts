// The tokens PKI-DH and the builtin access control put in SPDP (DDS-Security 1.1 §9.3.2.1, §9.4.2.1) and the
// auth request token (packages/rtps/README.md). Properties are strings; subject names in OpenSSL's one-line form, as Fast DDS
// 2.9.1 sends them and requires dds.cert.sn (it compares it with the handshake certificate's subject).
import type { X509Certificate } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { binaryProperty, type DataHolder } from '../data-holder.js';
import { opensslOneline } from '../access/subject-name.js';
import { SecurityError } from '../errors.js';
import { certAlgo, dsignAlgoOf, type Identity } from './identity.js';

export const IDENTITY_TOKEN_CLASS = 'DDS:Auth:PKI-DH:1.0';
export const PERMISSIONS_TOKEN_CLASS = 'DDS:Access:Permissions:1.0';
export const AUTH_REQUEST_CLASS = 'DDS:Auth:PKI-DH:1.0+AuthReq';
export const CHALLENGE_BYTES = 32;

export function identityToken(identity: Identity): DataHolder {
  return {
    classId: IDENTITY_TOKEN_CLASS,
    properties: [
      { name: 'dds.cert.sn', value: opensslOneline(identity.cert.subject) },
      { name: 'dds.cert.algo', value: identity.algo },
      { name: 'dds.ca.sn', value: opensslOneline(identity.ca.subject) },
      { name: 'dds.ca.algo', value: certAlgo(identity.ca, 'identity CA') },
    ],
    binaryProperties: [],
  };
}

export function permissionsToken(permissionsCa: X509Certificate): DataHolder {
  return {
    classId: PERMISSIONS_TOKEN_CLASS,
    properties: [
      { name: 'dds.perm_ca.sn', value: opensslOneline(permissionsCa.subject) },
      // Fast DDS 2.9.1 names the signature algorithm here and refuses a remote token whose value differs from
      // its own (seen on the wire: 'Remote participant PermissionsCA algorithm differs from local'); later Fast
      // DDS versions accept both spellings, so the signature name interoperates with both.
      { name: 'dds.perm_ca.algo', value: dsignAlgoOf(certAlgo(permissionsCa, 'permissions CA')) },
    ],
    binaryProperties: [],
  };
}

/** Checks a remote IdentityToken's class (major version 1 of PKI-DH; minor versions are compatible). */
export function checkIdentityToken(token: DataHolder): void {
  if (!/^DDS:Auth:PKI-DH:1\.\d+$/.test(token.classId)) throw new SecurityError('bad-token', `IdentityToken class '${token.classId}' is not PKI-DH 1.x`);
}

export function authRequestToken(futureChallenge: Uint8Array = randomBytes(CHALLENGE_BYTES)): DataHolder {
  return { classId: AUTH_REQUEST_CLASS, properties: [], binaryProperties: [{ name: 'future_challenge', value: futureChallenge }] };
}

/** The future challenge an auth request token announces. */
export function futureChallenge(token: DataHolder): Uint8Array {
  const v = token.classId === AUTH_REQUEST_CLASS ? binaryProperty(token, 'future_challenge') : undefined;
  if (!v || v.length !== CHALLENGE_BYTES) throw new SecurityError('bad-token', `auth request token ('${token.classId}') lacks a ${CHALLENGE_BYTES}-byte future_challenge`);
  return v;
}

// The tokens PKI-DH and the builtin access control put in SPDP (DDS-Security 1.1 §9.3.2.1, §9.4.2.1) and the
// auth request token (§9.3.2.5.1.1). Properties are strings; subject names in RFC 4514 form.
import type { X509Certificate } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { binaryProperty, type DataHolder } from '../data-holder.js';
import { rfc4514 } from '../access/subject-name.js';
import { SecurityError } from '../errors.js';
import { certAlgo, type Identity } from './identity.js';

export const IDENTITY_TOKEN_CLASS = 'DDS:Auth:PKI-DH:1.0';
export const PERMISSIONS_TOKEN_CLASS = 'DDS:Access:Permissions:1.0';
export const AUTH_REQUEST_CLASS = 'DDS:Auth:PKI-DH:1.0+AuthReq';
export const CHALLENGE_BYTES = 32;

export function identityToken(identity: Identity): DataHolder {
  return {
    classId: IDENTITY_TOKEN_CLASS,
    properties: [
      { name: 'dds.cert.sn', value: rfc4514(identity.cert.subject) },
      { name: 'dds.cert.algo', value: identity.algo },
      { name: 'dds.ca.sn', value: rfc4514(identity.ca.subject) },
      { name: 'dds.ca.algo', value: certAlgo(identity.ca, 'identity CA') },
    ],
    binaryProperties: [],
  };
}

export function permissionsToken(permissionsCa: X509Certificate): DataHolder {
  return {
    classId: PERMISSIONS_TOKEN_CLASS,
    properties: [
      { name: 'dds.perm_ca.sn', value: rfc4514(permissionsCa.subject) },
      { name: 'dds.perm_ca.algo', value: certAlgo(permissionsCa, 'permissions CA') },
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

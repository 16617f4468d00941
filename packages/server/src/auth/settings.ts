// Reads and checks the `auth.*` keys (docs/security.md) once at start-up. Anything set that cannot be
// honoured stops start-up with an AuthConfigError naming the key (fail closed): a short HS256 secret, an
// RS256 key that is missing, unreadable, not RSA or too small, a malformed client entry. (An unknown
// `auth.*` key never gets here: the loader refuses it, config/unknown-keys.ts.) Secret values never appear in a message.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../config/load.js';
import { ClientRegistry } from './clients.js';
import { AuthConfigError } from './errors.js';

export type RequireAuthFor = 'none' | 'write' | 'all';
type JwtAlgorithm = 'HS256' | 'RS256';

/** Shortest HS256 secret accepted (docs/security.md). */
const MIN_SECRET_CHARS = 32;
/** Smallest RSA modulus accepted for RS256. */
const MIN_RSA_BITS = 2048;
/** Largest key file read (a PEM of a 16384-bit key is ~13 KB). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export type SigningKeys = { algorithm: 'HS256'; secret: Uint8Array } | { algorithm: 'RS256'; privateKey: KeyObject; publicKey: KeyObject };

export interface AuthSettings {
  enabled: boolean;
  requireAuthFor: RequireAuthFor;
  algorithm: JwtAlgorithm;
  issuer: string;
  accessTtlSec: number;
  refreshTtlSec: number;
  /** Present when enabled. */
  keys?: SigningKeys;
  clients: ClientRegistry;
  /** Start-up warnings (not errors), e.g. secrets passed on the command line. */
  warnings: string[];
}

/** Reads a PEM given inline or as a file path; throws AuthConfigError naming `key`. */
function readPem(key: string, value: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    const buf = readFileSync(value);
    if (buf.length > MAX_KEY_FILE_BYTES) throw new AuthConfigError(`${key}: '${value}' is larger than ${MAX_KEY_FILE_BYTES} bytes; not a PEM key`);
    return buf.toString('utf8');
  } catch (err) {
    if (err instanceof AuthConfigError) throw err;
    throw new AuthConfigError(`${key}: cannot read the key file '${value}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function rsaKeys(config: ServerConfig): SigningKeys {
  const privPath = config.get('auth.jwt_secret');
  const pubPath = config.get('auth.jwt_public_key');
  if (!privPath) throw new AuthConfigError('auth.jwt_algorithm is RS256 but auth.jwt_secret (the private key PEM path) is not set');
  if (!pubPath) throw new AuthConfigError('auth.jwt_algorithm is RS256 but auth.jwt_public_key (the public key PEM path) is not set');
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  try {
    privateKey = createPrivateKey(readPem('auth.jwt_secret', privPath));
  } catch (err) {
    if (err instanceof AuthConfigError) throw err;
    throw new AuthConfigError('auth.jwt_secret: the RS256 private key is not a readable PEM private key');
  }
  try {
    publicKey = createPublicKey(readPem('auth.jwt_public_key', pubPath));
  } catch (err) {
    if (err instanceof AuthConfigError) throw err;
    throw new AuthConfigError('auth.jwt_public_key: the RS256 public key is not a readable PEM public key');
  }
  for (const [key, k] of [['auth.jwt_secret', privateKey], ['auth.jwt_public_key', publicKey]] as const) {
    if (k.asymmetricKeyType !== 'rsa') throw new AuthConfigError(`${key}: RS256 needs an RSA key, this is ${k.asymmetricKeyType ?? 'not an asymmetric key'}`);
    const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new AuthConfigError(`${key}: the RSA key has ${bits} bits; RS256 needs at least ${MIN_RSA_BITS}`);
  }
  // A pair that does not belong together would issue tokens nobody can verify.
  const probe = Buffer.from('medkit key pair check');
  const signature = createSign('sha256').update(probe).sign(privateKey);
  if (!createVerify('sha256').update(probe).verify(publicKey, signature)) {
    throw new AuthConfigError('auth.jwt_public_key does not match the private key of auth.jwt_secret');
  }
  return { algorithm: 'RS256', privateKey, publicKey };
}

/** The auth settings of `config`; throws AuthConfigError when auth is on and a setting cannot be honoured. */
export function readAuthSettings(config: ServerConfig): AuthSettings {
  const enabled = config.get('auth.enabled');
  const warnings: string[] = [];
  const algorithm = config.get('auth.jwt_algorithm') as JwtAlgorithm;
  const accessTtlSec = config.get('auth.token_expiry_seconds');
  const refreshTtlSec = config.get('auth.refresh_token_expiry_seconds');
  const issuer = config.get('auth.issuer');
  const base = { enabled, requireAuthFor: config.get('auth.require_auth_for') as RequireAuthFor, algorithm, issuer, accessTtlSec, refreshTtlSec, warnings };
  if (!enabled) return { ...base, clients: new ClientRegistry([]) };

  if (refreshTtlSec < accessTtlSec) {
    throw new AuthConfigError(`auth.refresh_token_expiry_seconds (${refreshTtlSec}) must be at least auth.token_expiry_seconds (${accessTtlSec})`);
  }
  if (issuer.trim() === '' || issuer.length > 256) throw new AuthConfigError('auth.issuer must be 1–256 characters');
  const clients = new ClientRegistry(config.get('auth.clients'));
  let keys: SigningKeys;
  if (algorithm === 'HS256') {
    const secret = config.get('auth.jwt_secret');
    if (secret.length < MIN_SECRET_CHARS) {
      throw new AuthConfigError(
        `auth.jwt_secret is ${secret.length === 0 ? 'not set' : `${secret.length} characters`}; HS256 needs a secret of at least ${MIN_SECRET_CHARS} characters (set MEDKIT_JWT_SECRET, e.g. from \`openssl rand -base64 48\`)`,
      );
    }
    keys = { algorithm: 'HS256', secret: new TextEncoder().encode(secret) };
  } else {
    keys = rsaKeys(config);
  }
  // An RS256 jwt_secret is a file path, not a secret.
  for (const key of algorithm === 'HS256' ? ['auth.jwt_secret', 'auth.clients'] : ['auth.clients']) {
    if (config.origins.get(key)?.source === 'command line') warnings.push(`${key} was given on the command line, where other local users can read it (ps); prefer the environment (MEDKIT_JWT_SECRET, MEDKIT_AUTH_CLIENTS)`);
  }
  if (clients.size === 0) warnings.push('auth is enabled but auth.clients is empty: no client can obtain a token');
  return { ...base, keys, clients };
}

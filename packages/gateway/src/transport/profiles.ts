// The shipped configuration profiles (docs/hardening.md [OURS]): `config/default.yaml` and
// `config/secure.yaml` in this package, selected with `--profile` and layered under the user's own files,
// environment and flags. The secure profile refuses to start without what only the user can supply.
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@medkit/kit';
import type { GatewayConfig } from '../config/index.js';

export const PROFILES = ['default', 'secure'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** The YAML file of a profile (resolves from src/ and dist/ alike: both sit two levels under the package). */
export function profileFile(name: ProfileName): string {
  return fileURLToPath(new URL(`../../config/${name}.yaml`, import.meta.url));
}

export function isProfileName(name: string): name is ProfileName {
  return (PROFILES as readonly string[]).includes(name);
}

/** Shortest HS256 secret accepted (docs/security.md). */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * What the effective configuration lacks to run the secure profile: a strong JWT secret, a certificate, and
 * explicit CORS origins (plus any of the profile's own settings overridden back to unsafe values).
 */
export function secureProfileProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  if (!config.get('auth.enabled')) problems.push('auth.enabled is false (the secure profile needs authentication)');
  const algorithm = config.get('auth.jwt_algorithm');
  const secret = config.get('auth.jwt_secret');
  if (algorithm === 'HS256') {
    if (secret === '') problems.push(`auth.jwt_secret is missing (at least ${MIN_JWT_SECRET_LENGTH} characters; set MEDKIT_AUTH_JWT_SECRET from a secret store)`);
    else if (secret.length < MIN_JWT_SECRET_LENGTH) problems.push(`auth.jwt_secret is too weak: ${secret.length} characters, at least ${MIN_JWT_SECRET_LENGTH} needed`);
  } else if (secret === '') problems.push('auth.jwt_secret is missing (RS256: the path of the private key PEM)');
  if (!config.get('server.tls.enabled')) problems.push('server.tls.enabled is false (the secure profile serves HTTPS only)');
  if (config.get('server.tls.cert_file').trim() === '') problems.push('server.tls.cert_file is missing (the server certificate, PEM)');
  if (config.get('server.tls.key_file').trim() === '') problems.push('server.tls.key_file is missing (the certificate\'s private key, PEM)');
  if (config.get('server.tls.min_version') !== '1.3') problems.push('server.tls.min_version is not 1.3');
  const origins = config.get('cors.allowed_origins').filter((o) => o.trim() !== '');
  if (origins.length === 0) problems.push('cors.allowed_origins is empty (list the exact origins of your web UIs)');
  else if (origins.some((o) => o.trim() === '*' || o.includes('*'))) problems.push('cors.allowed_origins contains a wildcard (list exact origins)');
  return problems;
}

/** Throws a ConfigError naming everything the secure profile is missing. */
export function checkSecureProfile(config: GatewayConfig): void {
  const problems = secureProfileProblems(config);
  if (problems.length > 0) throw new ConfigError(`the secure profile cannot start:\n  ${problems.join('\n  ')}`);
}

// First-start credentials (docs/security.md): with auth on and auth.credentials_file set, the gateway makes an
// HS256 secret and an `admin` client in that file (in the data dir, mode 0600) when it is missing, prints the
// admin secret once, and loads the file as a configuration layer, so an image or a package started with nothing
// else to do is authenticated. `medkit credentials rotate` writes a new pair (every token issued before stops
// verifying once the gateway restarts on it).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@medkit/kit';
import type { GatewayConfig } from '@medkit/gateway';

/** The client id the file holds; its role is admin. */
export const GENERATED_CLIENT_ID = 'admin';

/** The credentials file `config` names, resolved against data_dir; undefined when auth is off or none is named. */
export function credentialsFileOf(config: GatewayConfig): string | undefined {
  const file = config.get('auth.credentials_file');
  if (!config.get('auth.enabled') || file === '') return undefined;
  return resolve(config.get('data_dir'), file);
}

/**
 * Makes `file` when it is missing; returns the admin secret when it did (to print once). An existing file that
 * other users may read is refused (fail closed): it holds the signing secret.
 */
export function ensureCredentials(file: string): string | undefined {
  if (!existsSync(file)) return writeCredentials(file);
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new ConfigError(`auth.credentials_file '${file}' has mode ${mode.toString(8).padStart(4, '0')}: other users may read the signing secret; chmod 600 it (or remove it to make new credentials)`);
  return undefined;
}

/** Writes a new secret and admin client to `file` (mode 0600, replaced in one rename); returns the admin secret. */
export function writeCredentials(file: string): string {
  // 0700 like the data dir the gateway makes itself (kit's prepareDataDir).
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const jwtSecret = randomBytes(48).toString('base64url');
  const adminSecret = randomBytes(24).toString('base64url');
  const text = [
    '# medkit: generated credentials (docs/security.md, "First-start credentials"). Keep this file mode 0600.',
    '# `medkit credentials rotate` replaces them; the gateway reads them when it starts.',
    'auth:',
    `  jwt_secret: "${jwtSecret}"`,
    '  clients:',
    `    - "${GENERATED_CLIENT_ID}:${adminSecret}:admin"`,
    '',
  ].join('\n');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
  return adminSecret;
}

/** Where the effective client list comes from when it is not `file` (your own auth.clients win), else undefined. */
function clientsOverriddenBy(config: GatewayConfig, file: string): string | undefined {
  const origin = config.origins.get('auth.clients');
  if (origin?.source === 'file' && origin.file === file) return undefined;
  return origin ? (origin.source === 'file' ? origin.file : origin.source) : 'the defaults';
}

/**
 * The lines printed once when credentials were made or rotated; when auth.clients is set elsewhere (and so replaces the
 * generated admin) they say so instead of printing a secret that would not sign in.
 */
export function credentialsNotice(config: GatewayConfig, file: string, secret: string, made: 'made' | 'rotated'): string[] {
  const other = clientsOverriddenBy(config, file);
  if (other) return [`${made} credentials in ${file} (mode 0600); its admin client is not in effect: auth.clients is set by ${other}`];
  return [
    `${made} credentials in ${file} (mode 0600); shown this once:`,
    `  client_id ${GENERATED_CLIENT_ID}  client_secret ${secret}  (role admin: sign in to the web UI with these, or POST /api/v1/auth/authorize)`,
    '  replace them with `medkit credentials rotate` (with the gateway\'s options), then restart the gateway',
  ];
}

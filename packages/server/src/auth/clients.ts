// The static clients of `auth.clients` / MEDKIT_AUTH_CLIENTS (`client_id:client_secret:role`, docs/architecture.md
// docs/security.md): parsed once at start-up, every malformed entry refused by name, secrets compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthConfigError } from './errors.js';
import { parseRole, type Role } from '@medkit/kit';

/** At most this many static clients (the list is read at start-up; a longer one is a mistake). */
export const MAX_CLIENTS = 256;
/** Longest client id and secret accepted, in the configuration and in requests. */
export const MAX_CLIENT_ID_CHARS = 128;
export const MAX_CLIENT_SECRET_CHARS = 512;
const CLIENT_ID = /^[A-Za-z0-9_.@-]+$/;

interface ClientEntry {
  id: string;
  role: Role;
  /** SHA-256 of the secret: equal-length digests let timingSafeEqual compare secrets of any length. */
  digest: Buffer;
}

const digestOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

export class ClientRegistry {
  private readonly clients = new Map<string, ClientEntry>();
  /** Compared against when the client id is unknown, so an unknown id costs the same as a wrong secret. */
  private readonly decoy = digestOf('medkit-unknown-client');

  /** Parses `client_id:client_secret:role` entries; throws AuthConfigError naming the first bad entry (never its secret). */
  constructor(entries: readonly string[]) {
    if (entries.length > MAX_CLIENTS) throw new AuthConfigError(`auth.clients has ${entries.length} entries; at most ${MAX_CLIENTS} are supported`);
    entries.forEach((raw, i) => {
      const entry = raw.trim();
      // The id is up to the first colon and the role after the last, so a secret may contain colons.
      const first = entry.indexOf(':');
      const last = entry.lastIndexOf(':');
      const where = `auth.clients entry ${i + 1}`;
      if (first <= 0 || last === first) throw new AuthConfigError(`${where} is malformed: expected client_id:client_secret:role`);
      const id = entry.slice(0, first);
      const secret = entry.slice(first + 1, last);
      const roleText = entry.slice(last + 1);
      if (id.length > MAX_CLIENT_ID_CHARS || !CLIENT_ID.test(id)) {
        throw new AuthConfigError(`${where} has an invalid client id: 1–${MAX_CLIENT_ID_CHARS} characters of A–Z, a–z, 0–9, _ . @ -`);
      }
      if (secret.length === 0 || secret.length > MAX_CLIENT_SECRET_CHARS) {
        throw new AuthConfigError(`${where} (client '${id}') has an empty or over-long secret (1–${MAX_CLIENT_SECRET_CHARS} characters)`);
      }
      const role = parseRole(roleText);
      if (!role) throw new AuthConfigError(`${where} (client '${id}') has an unknown role '${roleText.slice(0, 32)}': expected viewer, operator, configurator or admin`);
      if (this.clients.has(id)) throw new AuthConfigError(`${where}: client '${id}' is listed twice`);
      this.clients.set(id, { id, role, digest: digestOf(secret) });
    });
  }

  get size(): number {
    return this.clients.size;
  }

  /** The client's role when `secret` is its secret; undefined otherwise (unknown id or wrong secret). */
  verify(id: string, secret: string): Role | undefined {
    const entry = this.clients.get(id);
    const match = timingSafeEqual(entry?.digest ?? this.decoy, digestOf(secret));
    return entry && match ? entry.role : undefined;
  }

  /** The configured role of a client, for refresh (a client removed from the list can no longer refresh). */
  roleOf(id: string): Role | undefined {
    return this.clients.get(id)?.role;
  }
}

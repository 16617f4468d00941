// Client certificates as an identity (mutual TLS): `server.tls.client_roles` maps a subject attribute of a
// verified certificate to a role, e.g. `CN=ops-laptop:operator`. Only certificates the TLS layer verified
// against `server.tls.ca_file` are read; anything else is no identity at all.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { ROLES as ROLE_NAMES, type Role as RoleName } from '../auth/roles.js';

/** One `<ATTR>=<value>:<role>` entry. */
export interface ClientRoleRule {
  attribute: string;
  value: string;
  role: RoleName;
}

/** The identity a verified client certificate gives. */
export interface CertificateIdentity {
  subject: string;
  role?: RoleName;
}

/** Parses the entries; each malformed one is a problem naming it. */
export function parseClientRoles(entries: readonly string[]): { rules: ClientRoleRule[]; problems: string[] } {
  const rules: ClientRoleRule[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    const eq = entry.indexOf('=');
    const role = entry.slice(colon + 1).trim().toLowerCase();
    if (colon < 0 || eq <= 0 || eq > colon || entry.slice(eq + 1, colon).trim() === '') {
      problems.push(`server.tls.client_roles entry '${entry}' must read <ATTR>=<value>:<role>, e.g. CN=ops-laptop:operator`);
    } else if (!(ROLE_NAMES as readonly string[]).includes(role)) {
      problems.push(`server.tls.client_roles entry '${entry}': role '${role}' is not one of ${ROLE_NAMES.join(', ')}`);
    } else {
      rules.push({ attribute: entry.slice(0, eq).trim().toUpperCase(), value: entry.slice(eq + 1, colon).trim(), role: role as RoleName });
    }
  }
  return { rules, problems };
}

type Subject = PeerCertificate['subject'];

/** `CN=ops-laptop, O=Acme` (attribute order as the certificate has it; repeated attributes joined with `+`). */
export function formatSubject(subject: Subject): string {
  return Object.entries(subject)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

function attributeValues(subject: Subject, attribute: string): string[] {
  for (const [k, v] of Object.entries(subject)) if (k.toUpperCase() === attribute) return Array.isArray(v) ? v.map(String) : [String(v)];
  return [];
}

/** The role of the first rule that matches the subject. */
export function roleFor(subject: Subject, rules: readonly ClientRoleRule[]): RoleName | undefined {
  return rules.find((r) => attributeValues(subject, r.attribute).includes(r.value))?.role;
}

/**
 * Reads the verified client certificate of a connection. Undefined on cleartext connections, without a
 * certificate, and for a certificate the TLS layer did not verify (another CA) when it was not required.
 */
export function certificateIdentityReader(rules: readonly ClientRoleRule[]): (socket: Socket) => CertificateIdentity | undefined {
  // A connection's certificate does not change: read it once per connection, not per keep-alive request.
  const seen = new WeakMap<Socket, CertificateIdentity | null>();
  return (socket) => {
    const known = seen.get(socket);
    if (known !== undefined) return known ?? undefined;
    const tls = socket as TLSSocket;
    let identity: CertificateIdentity | null = null;
    if (typeof tls.getPeerCertificate === 'function' && tls.authorized) {
      const cert = tls.getPeerCertificate();
      if (cert?.subject) {
        const role = roleFor(cert.subject, rules);
        identity = { subject: formatSubject(cert.subject), ...(role ? { role } : {}) };
      }
    }
    seen.set(socket, identity);
    return identity ?? undefined;
  };
}

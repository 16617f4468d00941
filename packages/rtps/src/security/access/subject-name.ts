// Distinguished names compared the way a grant's <subject_name> must match a certificate's subject: as sets
// of attribute=value pairs, attribute types case-insensitive (with the usual long names folded to short ones),
// values exact after trimming. Accepts RFC 4514 strings ("CN=/talker,O=acme", with `\` escapes and quoted
// values) and Node's X509Certificate.subject form (one "CN=..." per line).

const ALIASES: Record<string, string> = {
  commonname: 'cn',
  countryname: 'c',
  localityname: 'l',
  stateorprovincename: 'st',
  organizationname: 'o',
  organizationalunitname: 'ou',
  emailaddress: 'emailaddress',
  e: 'emailaddress',
  email: 'emailaddress',
};

/** Splits a DN into its attribute=value pairs. */
function dnPairs(dn: string): [string, string][] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\' && i + 1 < dn.length) {
      cur += dn[++i];
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === ',' || c === ';' || c === '\n' || c === '+')) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const out: [string, string][] = [];
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const type = p.slice(0, eq).trim().toLowerCase();
    out.push([ALIASES[type] ?? type, p.slice(eq + 1).trim()]);
  }
  return out;
}

/** A canonical string for comparing DNs. */
export function canonicalDn(dn: string): string {
  return dnPairs(dn)
    .map(([t, v]) => `${t}=${v}`)
    .sort()
    .join('\n');
}

export const sameSubject = (a: string, b: string): boolean => canonicalDn(a) === canonicalDn(b) && canonicalDn(a) !== '';

/** RFC 4514 form (most specific first) of Node's X509Certificate.subject / issuer (one attribute per line, as encoded). */
export function rfc4514(nodeDn: string): string {
  return nodeDn
    .split('\n')
    .filter((l) => l !== '')
    .reverse()
    .map((l) => {
      const eq = l.indexOf('=');
      return `${l.slice(0, eq)}=${l.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1')}`;
    })
    .join(',');
}

/**
 * OpenSSL's X509_NAME_oneline form (`/C=NL/O=Org/CN=\/robot\/node`, in certificate order, `/` escaped as `\/`,
 * bytes outside printable ASCII as `\xHH`) of Node's subject. Fast DDS 2.9.1 puts this in an IdentityToken's
 * dds.cert.sn and refuses a handshake whose c.id subject does not print the same (seen on the wire).
 */
export function opensslOneline(nodeDn: string): string {
  return nodeDn
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const eq = l.indexOf('=');
      let v = '';
      for (const b of Buffer.from(l.slice(eq + 1), 'utf8')) v += b === 0x2f ? '\\/' : b < 0x20 || b > 0x7e ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
      return `/${l.slice(0, eq)}=${v}`;
    })
    .join('');
}

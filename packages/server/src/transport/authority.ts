// One reading of "which host is this request for" (issue 31 point 4). The Host allow-list and the Origin
// check used to parse differently: `Host: localhost:18100@evil.example` read as `localhost` for the first
// and, through URL's userinfo rule, as `evil.example` for the second, so a page on evil.example passed both.
// Both now go through parseAuthority, which accepts only what RFC 9110 allows in a Host header and a browser
// sends in an Origin: a host name, an IPv4 address or a bracketed IPv6 address, and an optional port. Userinfo,
// backslashes, percent-encoding, paths, spaces and zone ids are not a host: the request is refused.
import { isIPv6 } from 'node:net';

/** A host and port as this gateway compares them: lower-case, no trailing dot, IPv6 in brackets. */
export interface Authority {
  host: string;
  port?: number;
}

/** A serialized browser origin (`scheme://host[:port]`) with its port made explicit. */
export interface Origin {
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;
/** Dot-separated labels of letters, digits, `-` and `_` (host names in the wild), with one optional root dot. */
const NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/;
const PORT = /^[0-9]{1,5}$/;

/** `host[:port]` as a Host header or an origin carries it, or undefined when it is anything else. */
export function parseAuthority(text: string): Authority | undefined {
  const t = text.toLowerCase();
  let host: string;
  let rest: string;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    const address = t.slice(1, end);
    // Hex digits, colons and dots only: isIPv6 would also take a zone id (`fe80::1%eth0`).
    if (end < 0 || !/^[0-9a-f:.]+$/.test(address) || !isIPv6(address)) return undefined;
    host = t.slice(0, end + 1);
    rest = t.slice(end + 1);
  } else {
    const colon = t.indexOf(':');
    host = colon < 0 ? t : t.slice(0, colon);
    rest = colon < 0 ? '' : t.slice(colon);
    if (!NAME.test(host)) return undefined;
    // `localhost.` and `localhost` are one host (the root label), as DNS has it.
    host = host.replace(/\.$/, '');
  }
  if (rest === '') return { host };
  if (!rest.startsWith(':') || !PORT.test(rest.slice(1))) return undefined;
  const port = Number(rest.slice(1));
  return port <= 65535 ? { host, port } : undefined;
}

/** An `Origin` header's value, or undefined for `null`, another scheme, or anything that is not an origin. */
export function parseOrigin(text: string): Origin | undefined {
  const m = /^(https?):\/\/(.*)$/i.exec(text);
  const authority = m ? parseAuthority(m[2]) : undefined;
  if (!m || !authority) return undefined;
  const scheme = m[1].toLowerCase() as Origin['scheme'];
  return { scheme, host: authority.host, port: authority.port ?? DEFAULT_PORT[scheme] };
}

/** True when `origin` names the same scheme, host and port as the request's Host on a server speaking `scheme`. */
export function sameOrigin(origin: Origin, host: Authority, scheme: Origin['scheme']): boolean {
  return origin.scheme === scheme && origin.host === host.host && origin.port === (host.port ?? DEFAULT_PORT[scheme]);
}

// The Host allow-list against DNS rebinding (spec/gateway.md §13.2 [OURS]). A rebinding page reaches the
// gateway under the attacker's own domain name, so only names matter: loopback names and IP literals are
// always accepted (no DNS is involved in reaching them), other names only when configured or, by default,
// this gateway's own names.
import { hostname } from 'node:os';
import { isIP } from 'node:net';

/** A checked allow-list: `allows(hostHeader)`. */
export interface HostAllowList {
  /** True when the check is off (`*`). */
  any: boolean;
  /** Lower-case names allowed with any port. */
  names: Set<string>;
  /** Lower-case `name:port` pairs. */
  hostPorts: Set<string>;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/** Splits a Host header value into a lower-case name (brackets kept for IPv6) and a port. */
export function splitHost(header: string): { name: string; port?: string } {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return { name: h };
    const rest = h.slice(end + 1);
    return { name: h.slice(0, end + 1), ...(rest.startsWith(':') ? { port: rest.slice(1) } : {}) };
  }
  const colon = h.lastIndexOf(':');
  const name = (colon >= 0 ? h.slice(0, colon) : h).replace(/\.$/, '');
  return { name, ...(colon >= 0 ? { port: h.slice(colon + 1) } : {}) };
}

/**
 * Builds the list: the configured entries, or (when none) the gateway's own names: `server.host` unless it is
 * a wildcard, the machine's host name and `<host name>.local`. Loopback names and IP literals are always in.
 */
export function buildHostAllowList(configured: readonly string[], serverHost: string, machineName: string = hostname()): HostAllowList {
  const list: HostAllowList = { any: false, names: new Set(['localhost']), hostPorts: new Set() };
  const entries = configured.length > 0 ? configured : [serverHost, machineName, machineName ? `${machineName.split('.')[0]}.local` : ''];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (e === '*') list.any = true;
    if (e === '*' || WILDCARD_HOSTS.has(e)) continue;
    // A bare IPv6 address (`::1`) is written with brackets in a Host header.
    const entry = isIP(e) === 6 ? `[${e}]` : e;
    const { name, port } = splitHost(entry);
    if (port !== undefined && port !== '') list.hostPorts.add(`${name}:${port}`);
    else list.names.add(name);
  }
  return list;
}

/** Whether a request's Host header is on the list. A request without one is not from a browser and passes. */
export function hostAllowed(list: HostAllowList, header: string | undefined): boolean {
  if (list.any || header === undefined) return true;
  const { name, port } = splitHost(header);
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  if (isIP(bare) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  return list.names.has(name) || (port !== undefined && list.hostPorts.has(`${name}:${port}`));
}

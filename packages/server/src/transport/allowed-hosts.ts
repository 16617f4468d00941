// The Host allow-list against DNS rebinding (docs/hardening.md [OURS]). A rebinding page reaches the
// gateway under the attacker's own domain name, so only names matter: loopback names and IP literals are
// always accepted (no DNS is involved in reaching them), other names only when configured or, by default,
// this gateway's own names.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { ConfigError } from '@medkit/kit';
import { parseAuthority, type Authority } from './authority.js';

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

/**
 * Builds the list: the configured entries, or (when none) the gateway's own names: `server.host` unless it is
 * a wildcard, the machine's host name and `<host name>.local`. Loopback names and IP literals are always in.
 * A configured entry that is not a host name, IP address or host:port stops start-up (it could never match).
 */
export function buildHostAllowList(configured: readonly string[], serverHost: string, machineName: string = hostname()): HostAllowList {
  const list: HostAllowList = { any: false, names: new Set(['localhost']), hostPorts: new Set() };
  const entries = configured.length > 0 ? configured : [serverHost, machineName, machineName ? `${machineName.split('.')[0]}.local` : ''];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (e === '*') list.any = true;
    if (e === '*' || WILDCARD_HOSTS.has(e)) continue;
    // A bare IPv6 address (`::1`) is written with brackets in a Host header.
    const a = parseAuthority(isIP(e) === 6 ? `[${e}]` : e);
    if (!a) {
      // The machine's own name is only a default: one that is no host name is left out, not fatal.
      if (configured.length === 0) continue;
      throw new ConfigError(`server.allowed_hosts: '${raw.slice(0, 200)}' is not a host name, IP address or host:port`);
    }
    if (a.port !== undefined) list.hostPorts.add(`${a.host}:${a.port}`);
    else list.names.add(a.host);
  }
  return list;
}

/** A request's Host header checked: its authority, or why the request is refused. */
export type HostCheck = { authority?: Authority } | { refused: 'malformed' | 'not-allowed' };

/**
 * Checks a request's Host header against the list. A request without one is not from a browser and passes;
 * one that is not a plain `host[:port]` (userinfo, backslashes, percent-encoding, …) is malformed.
 */
export function checkHost(list: HostAllowList, header: string | undefined): HostCheck {
  if (header === undefined) return {};
  const authority = parseAuthority(header);
  if (!authority) return { refused: 'malformed' };
  if (list.any) return { authority };
  const { host, port } = authority;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0 || host === 'localhost' || host.endsWith('.localhost')) return { authority };
  return list.names.has(host) || (port !== undefined && list.hostPorts.has(`${host}:${port}`)) ? { authority } : { refused: 'not-allowed' };
}

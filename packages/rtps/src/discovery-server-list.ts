// Fast DDS Discovery Server addresses: the `ROS_DISCOVERY_SERVER` list syntax, the GUID prefix a server
// takes from its id, and the resolution of host names to the IPv4 addresses the transport sends to.

import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';

/** One discovery server to be a client of (`ParticipantOptions.discoveryServers`). */
export interface DiscoveryServerAddress {
  /** IPv4 address or host name (resolved to IPv4 when the participant starts). */
  address: string;
  /** UDP port of the server's metatraffic unicast locator (`fastdds discovery -p`, Fast DDS' default 11811). */
  port: number;
  /** Server id (0..255), which fixes its GUID prefix; default: the entry's position in the list. */
  id?: number;
}

/** Fast DDS' default discovery server port. */
export const DEFAULT_DISCOVERY_SERVER_PORT = 11811;
/** Most servers one participant is a client of (each costs a ping a second while it does not answer). */
export const MAX_DISCOVERY_SERVERS = 16;

/**
 * The GUID prefix of the server with this id, as Fast DDS 2.x derives it (and `fastdds discovery -i <id>`
 * takes): `44.53.<id>.5f.45.50.52.4f.53.49.4d.41`, "DS" + id + "_EPROSIMA".
 */
export function discoveryServerPrefix(id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > 255) throw new RangeError(`discovery server id ${id} is not in 0..255`);
  return `4453${id.toString(16).padStart(2, '0')}5f4550524f53494d41`;
}

/** A hostname as RFC 1123 allows it (letters, digits, hyphens, dots; labels of at most 63). */
function isHostName(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

/**
 * Parses a `ROS_DISCOVERY_SERVER` value: `;`-separated `host[:port]` entries whose position is the server id,
 * empty positions allowed (`;;10.0.0.5:11888` is server 2). Throws an Error whose message says which entry is
 * wrong and why (bad host, port out of range, too many servers, IPv6 or TCP locators).
 */
export function parseDiscoveryServerList(text: string): DiscoveryServerAddress[] {
  const out: DiscoveryServerAddress[] = [];
  const entries = text.split(';');
  if (entries.length > 256) throw new Error(`${entries.length} positions: server ids only go up to 255`);
  entries.forEach((raw, id) => {
    const entry = raw.trim();
    if (entry === '') return;
    if (/^(TCPv[46]|UDPv6):/i.test(entry) || entry.startsWith('[') || isIPv6(entry)) throw new Error(`"${entry}" (server ${id}): only UDPv4 servers are supported`);
    const m = /^(?:UDPv4:)?([^:]+)(?::(.*))?$/i.exec(entry);
    if (!m) throw new Error(`"${entry}" (server ${id}): expected host[:port]`);
    const address = m[1].trim();
    if (!isIPv4(address) && (/^[\d.]+$/.test(address) || !isHostName(address))) throw new Error(`"${entry}" (server ${id}): "${address}" is neither an IPv4 address nor a host name`);
    const portText = m[2]?.trim();
    const port = portText === undefined ? DEFAULT_DISCOVERY_SERVER_PORT : Number(portText);
    if (portText !== undefined && !/^\d+$/.test(portText)) throw new Error(`"${entry}" (server ${id}): port "${portText}" is not a number`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${entry}" (server ${id}): port ${portText} is out of range 1..65535`);
    out.push({ address, port, id });
  });
  if (out.length > MAX_DISCOVERY_SERVERS) throw new Error(`${out.length} servers: at most ${MAX_DISCOVERY_SERVERS} are supported`);
  return out;
}

/** A server with its id settled and its address resolved. */
export interface ResolvedDiscoveryServer {
  id: number;
  /** As configured (for status reports). */
  host: string;
  /** IPv4 address datagrams go to. */
  address: string;
  port: number;
  prefixHex: string;
}

/**
 * Settles ids (position by default; two servers with one id are refused) and resolves host names to IPv4.
 * Rejects with an Error naming the server that cannot be used.
 */
export async function resolveDiscoveryServers(list: readonly DiscoveryServerAddress[]): Promise<ResolvedDiscoveryServer[]> {
  if (list.length > MAX_DISCOVERY_SERVERS) throw new Error(`${list.length} discovery servers: at most ${MAX_DISCOVERY_SERVERS} are supported`);
  const ids = new Set<number>();
  const out: ResolvedDiscoveryServer[] = [];
  for (const [i, s] of list.entries()) {
    const id = s.id ?? i;
    const prefixHex = discoveryServerPrefix(id);
    if (ids.has(id)) throw new Error(`discovery server id ${id} is given twice`);
    ids.add(id);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new Error(`discovery server ${id}: port ${s.port} is out of range 1..65535`);
    let address = s.address;
    if (!isIPv4(address)) {
      try {
        address = (await lookup(s.address, { family: 4 })).address;
      } catch (e) {
        throw new Error(`discovery server ${id}: cannot resolve "${s.address}" to an IPv4 address (${(e as Error).message})`);
      }
    }
    out.push({ id, host: s.address, address, port: s.port, prefixHex });
  }
  return out;
}

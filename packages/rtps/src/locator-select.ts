// Choosing where to send: one UDPv4 locator per remote entity, preferring an address we can
// reach (loopback in localhost-only mode, else one on a subnet of our interfaces).

import os from 'node:os';
import { isLoopback, LocatorKind, type Locator } from './locator.js';

interface Subnet {
  net: number;
  mask: number;
}

function ipToInt(a: string): number {
  const p = a.split('.');
  return (((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0);
}

let subnets: Subnet[] | undefined;
function ourSubnets(): Subnet[] {
  if (!subnets) {
    subnets = [];
    for (const infos of Object.values(os.networkInterfaces())) {
      for (const i of infos ?? []) {
        if (i.family !== 'IPv4') continue;
        const mask = ipToInt(i.netmask);
        subnets.push({ net: ipToInt(i.address) & mask, mask });
      }
    }
  }
  return subnets;
}

/** The locators to send to, out of what a remote entity announced. */
export function reachableLocators(announced: Locator[], localhostOnly: boolean): Locator[] {
  const v4 = announced.filter((l) => l.kind === LocatorKind.UDPv4 && l.port > 0 && l.port < 65536 && !l.address.startsWith('239.') && l.address !== '0.0.0.0');
  if (v4.length === 0) return [];
  if (localhostOnly) {
    const lo = v4.find((l) => isLoopback(l.address));
    return lo ? [lo] : [];
  }
  const nets = ourSubnets();
  const local = v4.find((l) => {
    const a = ipToInt(l.address);
    return nets.some((n) => (a & n.mask) === n.net);
  });
  return [local ?? v4[0]];
}

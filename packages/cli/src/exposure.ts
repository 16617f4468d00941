// The start-up warning of docs/hardening.md: a gateway reachable beyond loopback without authentication
// lets anyone on that network run scripts, write parameters and stop nodes.
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The warning to print, or undefined when the gateway is on loopback or authenticates callers. */
export function exposureWarning(listening: { host: string; port: number } | undefined, authEnabled: boolean): string | undefined {
  if (!listening || authEnabled || isLoopbackAddress(listening.host)) return undefined;
  return `listening on ${listening.host}:${listening.port}, beyond loopback, without authentication: anyone who can reach this port can upload and run scripts, write parameters and stop nodes. Use --profile secure (docs/security.md) or bind to 127.0.0.1.`;
}

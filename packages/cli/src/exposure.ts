// A gateway reachable beyond loopback without authentication lets anyone on that network run scripts, write
// parameters and stop nodes (docs/security.md). It does not start (fail closed) unless the operator opts in with
// server.allow_unauthenticated_remote; then it warns at every start.
import { isIP } from 'node:net';
import { ConfigError } from '@medkit/kit';
import type { GatewayConfig } from '@medkit/gateway';

/** True for 127.0.0.0/8, ::1, IPv4-mapped loopback and `localhost`. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** True when requests are authenticated: auth on and enforced (`require_auth_for: none` issues tokens, checks none). */
const authenticates = (config: GatewayConfig) => config.get('auth.enabled') && config.get('auth.require_auth_for') !== 'none';

/**
 * Before listening: throws a ConfigError (exit 2, one line) when the gateway would listen beyond loopback without
 * authentication and the operator did not opt in; returns the warning to print when they did.
 */
export function checkExposure(config: GatewayConfig): string | undefined {
  const host = config.get('server.host');
  if (isLoopbackAddress(host) || authenticates(config)) return undefined;
  const risk = `listening on ${host}:${config.get('server.port')}, beyond loopback, without authentication: anyone who can reach this port can upload and run scripts, write parameters and stop nodes`;
  if (config.get('server.allow_unauthenticated_remote')) return `${risk} (server.allow_unauthenticated_remote: true).`;
  throw new ConfigError(
    `refusing to start: ${risk}. Enable authentication (--set auth.enabled=true --set auth.credentials_file=credentials.yaml makes an admin client on first start; docs/security.md), bind to loopback (--host 127.0.0.1), or accept the risk with server.allow_unauthenticated_remote: true`,
  );
}

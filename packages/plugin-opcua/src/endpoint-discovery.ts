// Opt-in endpoint discovery (`discovery.enabled`, docs/opcua.md "Endpoint discovery"): before each
// connection attempt, GetEndpoints on `endpoint_url` over an unsecured channel, then the endpoint that
// matches the configured security mode, policy and user token type is chosen (highest securityLevel
// first). None matching fails the attempt with a message listing what the server offers.
import type { EndpointDescription, OPCUAClient } from 'node-opcua-client';
import { cleanText } from '@medkit/plugin-api';
import type { OpcuaConfig } from './config.js';
import type { Deadline, OpcuaLib } from './lib.js';

/** Endpoints of one answer looked at (a hostile server may send many). */
export const MAX_ENDPOINTS = 100;
const POLICY_PREFIX = 'http://opcfoundation.org/UA/SecurityPolicy#';
const UA_TCP = 'http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary';

/** What x-plc-status shows of the chosen endpoint. */
export interface ChosenEndpoint {
  endpoint_url: string;
  security_mode: string;
  security_policy_uri: string;
  security_level: number;
  server_application_uri?: string;
  /** How many endpoints the server offered. */
  offered: number;
}

/** The server offers no endpoint for the configured settings. */
export class NoMatchingEndpointError extends Error {
  readonly code: string = 'opcua-no-matching-endpoint';
  constructor(message: string) {
    super(message);
    this.name = 'NoMatchingEndpointError';
  }
}

/** The token type the configured user_auth_mode needs. */
function tokenTypeOf(lib: OpcuaLib, mode: OpcuaConfig['user_auth_mode']): number {
  return mode === 'UsernamePassword' ? lib.UserTokenType.UserName : mode === 'X509' ? lib.UserTokenType.Certificate : lib.UserTokenType.Anonymous;
}

/** Picks the endpoint for `cfg` from a GetEndpoints answer; throws NoMatchingEndpointError naming what is offered. */
export function chooseEndpoint(lib: OpcuaLib, endpoints: readonly EndpointDescription[], cfg: OpcuaConfig, policyUri: string): ChosenEndpoint {
  const list = endpoints.slice(0, MAX_ENDPOINTS);
  const mode = lib.MessageSecurityMode[cfg.security_mode];
  const token = tokenTypeOf(lib, cfg.user_auth_mode);
  const matches = list
    .filter((e) => e.securityMode === mode && e.securityPolicyUri === policyUri)
    .filter((e) => !e.transportProfileUri || e.transportProfileUri === UA_TCP)
    .filter((e) => (e.userIdentityTokens ?? []).slice(0, MAX_ENDPOINTS).some((t) => t.tokenType === token))
    .sort((a, b) => b.securityLevel - a.securityLevel);
  const best = matches[0];
  if (!best) {
    const offered = [...new Set(list.map((e) => `${lib.MessageSecurityMode[e.securityMode] ?? e.securityMode}/${cleanText(e.securityPolicyUri ?? '', 128)?.replace(POLICY_PREFIX, '') ?? 'None'}`))].slice(0, 20);
    throw new NoMatchingEndpointError(
      `no endpoint of ${cfg.endpoint_url} offers ${cfg.security_mode}/${policyUri.replace(POLICY_PREFIX, '')} with ${cfg.user_auth_mode} user tokens (offered: ${offered.join(', ') || 'nothing'})`,
    );
  }
  const appUri = cleanText(best.server?.applicationUri ?? undefined, 512);
  return {
    endpoint_url: cleanText(best.endpointUrl ?? '', 2048) ?? '',
    security_mode: lib.MessageSecurityMode[best.securityMode] ?? String(best.securityMode),
    security_policy_uri: cleanText(best.securityPolicyUri ?? '', 256) ?? '',
    security_level: best.securityLevel,
    ...(appUri ? { server_application_uri: appUri } : {}),
    offered: list.length,
  };
}

/**
 * GetEndpoints with a throw-away unsecured client, then the choice. The chosen endpoint's settings are
 * the configured ones; its advertised URL is shown, not followed (the connection goes to `endpoint_url`).
 */
export async function discoverEndpoint(lib: OpcuaLib, client: OPCUAClient, cfg: OpcuaConfig, policyUri: string, deadline: Deadline): Promise<ChosenEndpoint> {
  try {
    await deadline('connect (discovery)', () => client.connect(cfg.endpoint_url));
    const endpoints = await deadline('GetEndpoints', () => client.getEndpoints({ endpointUrl: cfg.endpoint_url }));
    return chooseEndpoint(lib, endpoints, cfg, policyUri);
  } finally {
    await deadline('disconnect (discovery)', () => client.disconnect()).catch(() => undefined);
  }
}

// Authentication and roles (docs/security.md): settings, tokens, the access decision and the route table.
import type { SqliteDatabase } from '@medkit/kit';
import { AccessPolicy, SECURITY_SCHEMES } from './policy.js';
import { accessOf, RoleTable, type RouteRole } from './route-access.js';
import { AuthService } from './service.js';
import type { AuthSettings } from './settings.js';
import { isRole, type RouteAccess } from '@medkit/kit';

export { AUTH_MIGRATIONS } from './revocations.js';
export { AuthConfigError, OAuthError } from './errors.js';
export { readAuthSettings, type AuthSettings } from './settings.js';
export { AccessPolicy, BEARER_SCHEME, SECURITY_SCHEMES } from './policy.js';
export { RoleTable, renderRoleTable, publishedRows, ROLE_TABLE_FLAGS, accessOf, defaultAccess, stricter, type RouteRole, type RoleTableRow, type RoleResolver } from './route-access.js';
export { ROLES, hasRole, parseRole, type Role, type RouteAccess } from '@medkit/kit';
export { AuthService, type TokenResponse } from './service.js';
export { MAX_CLOCK_SKEW_SEC } from './tokens.js';

/** Everything the composition root wires: the service (auth on only), the decision, the table, the docs security. */
export interface GatewayAuth {
  settings: AuthSettings;
  service?: AuthService;
  policy: AccessPolicy;
  table: RoleTable;
  security: { schemes: Record<string, unknown>; of(method: string, url: string, config: unknown): OperationAuth; forRole(method: string, role: string): OperationAuth };
  /** The `auth` object of GET / (docs/api.md), present only when auth is on. */
  rootInfo(): Record<string, unknown> | undefined;
  close(): void;
}

/** What the OpenAPI document says of one operation: its `security` and its minimum role (`x-medkit-minimum-role`). */
export interface OperationAuth {
  security: Record<string, string[]>[];
  minimumRole: RouteAccess;
}

function operationAuth(policy: AccessPolicy, method: string, access: RouteAccess): OperationAuth {
  return { security: policy.securityOf(method, access), minimumRole: access };
}

/** Validated settings in, the wiring out. `settings` come from readAuthSettings (which refuses what cannot be honoured). */
export function createGatewayAuth(settings: AuthSettings, db: SqliteDatabase): GatewayAuth {
  const service = settings.enabled ? new AuthService(settings, db) : undefined;
  const policy = new AccessPolicy(service, settings.requireAuthFor);
  return {
    settings,
    service,
    policy,
    table: new RoleTable(),
    security: {
      schemes: SECURITY_SCHEMES,
      of: (method, url, config) => operationAuth(policy, method, accessOf(method, url, (config as { role?: RouteRole } | undefined)?.role)),
      forRole: (method, role) => operationAuth(policy, method, role === 'public' || isRole(role) ? role : 'admin'),
    },
    rootInfo: () => (settings.enabled ? { enabled: true, algorithm: settings.algorithm, require_auth_for: settings.requireAuthFor } : undefined),
    close: () => service?.close(),
  };
}

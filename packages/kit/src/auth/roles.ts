// The four roles of docs/security.md, least to most privileged; each inherits the previous one.

export const ROLES = ['viewer', 'operator', 'configurator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route asks of its caller: a minimum role, or `public` (no token ever: the auth endpoints and
 * the static files of the web UI and Swagger UI, which a browser must load before it can log in).
 */
export type RouteAccess = Role | 'public';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, configurator: 2, admin: 3 };

/** True when `role` is `min` or more privileged. */
export function hasRole(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** A role name as configured (case-insensitive, docs/security.md), or undefined when it names none. */
export function parseRole(text: string): Role | undefined {
  const r = text.trim().toLowerCase();
  return (ROLES as readonly string[]).includes(r) ? (r as Role) : undefined;
}

/** True for a value that is a role (e.g. a token's `role` claim). */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

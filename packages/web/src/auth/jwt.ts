// Reads the claims of a JWT for display (who, which role, until when). Never a trust decision: the
// gateway verifies every token it receives; the UI only shows and schedules from these claims.

export type Role = 'viewer' | 'operator' | 'configurator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'configurator', 'admin'];

interface TokenClaims {
  sub?: string;
  role?: Role;
  /** Expiry, epoch ms. */
  expMs?: number;
}

/** Longest token accepted for decoding (a pasted megabyte is not a token). */
const MAX_TOKEN_CHARS = 16 * 1024;

/** Claims of a compact JWS, or null when `token` is not one (bad shape, bad base64url, bad JSON). */
export function readClaims(token: string): TokenClaims | null {
  const t = token.trim();
  if (t.length === 0 || t.length > MAX_TOKEN_CHARS) return null;
  const parts = t.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return null;
  let body: unknown;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    body = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  return {
    sub: typeof b.sub === 'string' ? b.sub : undefined,
    role: isRole(b.role) ? b.role : undefined,
    expMs: typeof b.exp === 'number' && Number.isFinite(b.exp) ? b.exp * 1000 : undefined,
  };
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** True when `role` is `min` or above (roles are cumulative, docs/security.md). */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

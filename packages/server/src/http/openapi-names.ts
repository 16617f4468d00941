// The names of the API description that are needed before its code is loaded (openapi.ts, loaded when the app with
// every route is built): the scoped docs address every request's URL is checked against, and the minimum-role key
// plugin paths are documented with.
import { API_BASE } from './app-types.js';

/**
 * Extension key of an operation's minimum role: the gateway writes it on every operation (roles are not OAuth2
 * scopes, so they cannot be named in `security`), and extra (plugin) paths state theirs with it.
 */
export const MINIMUM_ROLE_KEY = 'x-medkit-minimum-role';

const SCOPED = new RegExp(`^${API_BASE}/(.+?)/docs/?(\\?.*)?$`);

/** Fastify `rewriteUrl`: `/api/v1/<scope>/docs` → `/api/v1/docs?scope=<scope>`, before any routing, so
 * the suffix wins over data/configuration routes whose last parameter spans segments. */
export function rewriteDocsUrl(url: string): string {
  // Every request passes here (Fastify's rewriteUrl): the substring test spares the others the pattern.
  if (!url.includes('/docs')) return url;
  const m = SCOPED.exec(url);
  if (!m) return url;
  return `${API_BASE}/docs?scope=${encodeURIComponent(m[1])}`;
}

/** The SOVD API root (docs/api.md): every route, href and Location a medkit server builds starts with it, and the
 * generated paths are relative to it. Its own entry (`@medkit/client/api-base`) so the servers read it without
 * loading the client. */
export const API_BASE = '/api/v1';

/**
 * The SOVD API root (docs/api.md): every route, href and Location a medkit server builds starts with it, the
 * typed client prefixes it, and the generated client paths are relative to it. Defined in the lowest layer so
 * that the servers, the client and the browser UI read the one definition.
 */
export const API_BASE = '/api/v1';

/** The SOVD API root: every route, href and Location a medkit server builds starts with it. */
export const API_BASE = '/api/v1';

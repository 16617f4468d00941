export { readServerTransport, type ServerTransport } from '@medkit/server';
export { buildHostAllowList, checkHost, type HostAllowList, type HostCheck } from '@medkit/server';
export { parseAuthority, parseOrigin, sameOrigin, type Authority, type Origin } from '@medkit/server';
export { checkSecureProfile, isProfileName, profileFile, PROFILES, secureProfileProblems, MIN_JWT_SECRET_LENGTH, type ProfileName } from './profiles.js';

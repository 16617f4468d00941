export { readServerTransport, type ServerTransport } from './server-transport.js';
export { buildHostAllowList, checkHost, type HostAllowList, type HostCheck } from './allowed-hosts.js';
export { parseAuthority, parseOrigin, sameOrigin, type Authority, type Origin } from './authority.js';
export { checkSecureProfile, isProfileName, profileFile, PROFILES, secureProfileProblems, MIN_JWT_SECRET_LENGTH, type ProfileName } from './profiles.js';

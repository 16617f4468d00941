export { TlsConfigError, readTlsSettings, loadTlsMaterial, type TlsSettings, type TlsMaterial } from './tls-settings.js';
export { reloadServerTls, type TlsReloadResult } from './tls-reload.js';
export { readServerTransport, type ServerTransport } from './server-transport.js';
export { buildHostAllowList, checkHost, type HostAllowList, type HostCheck } from './allowed-hosts.js';
export { parseAuthority, parseOrigin, sameOrigin, type Authority, type Origin } from './authority.js';
export { parseClientRoles, type CertificateIdentity, type ClientRoleRule } from './client-roles.js';
export { checkSecureProfile, isProfileName, profileFile, PROFILES, secureProfileProblems, MIN_JWT_SECRET_LENGTH, type ProfileName } from './profiles.js';
export { outboundAgent, readOutboundTls, type OutboundTlsKeys, type OutboundTlsMaterial } from './outbound-tls.js';
export { callErrorDetail, drain, headerOf, outboundCall, readCapped, type OutboundAgent, type OutboundAnswer, type OutboundCall } from './outbound-http.js';

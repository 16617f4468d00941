// @medkit/kit: the parts every medkit server (the robot gateway, the fleet server) builds on and that know
// nothing of SOVD resources: how a configuration key is described, and the embedded SQLite store.
export * from './config/key-spec.js';
export type { ConfigReader } from './config/reader.js';
export { openDatabase, openStoreFile, prepareDataDir, runMigrations, StorageError, storageFailure, SQLITE_CACHE_KIB } from './storage/database.js';
export type { Migration, SqliteDatabase } from './storage/database.js';
export { MigrationRegistry, openStore } from './storage/registry.js';
export { withPgTransaction, type PgTransactionClient } from './storage/pg-transaction.js';
export { ConfigError } from './config/errors.js';
export { isSecretKey, redactUrlCredentials, redactingDestination, shownConfigValue } from './config/secrets.js';
export { warning, HealthRegistry, WARNING_SCHEMA_VERSION, DEGRADING_WARNINGS, degradesHealth, type HealthContribution, type HealthContributor, type HealthWarning } from './health.js';
export type { EventStream, StreamEvent } from './sse/events.js';
export { formatSseEvent, type SseEvent } from './sse/format.js';
export { ROLES, hasRole, isRole, parseRole, type Role, type RouteAccess } from './auth/roles.js';
export { TlsConfigError, loadTlsMaterial, readPem, secureContextOptions, keyFileWarning, type TlsSettings, type TlsMaterial } from './transport/tls-settings.js';
export { reloadServerTls, type TlsReloadResult } from './transport/tls-reload.js';
export { parseClientRoles, certificateIdentityReader, formatSubject, roleFor, type CertificateIdentity, type ClientRoleRule } from './transport/client-roles.js';
export { outboundAgent, readOutboundTls, type OutboundTlsKeys, type OutboundTlsMaterial } from './transport/outbound-tls.js';
export { callErrorDetail, drain, headerOf, outboundCall, readCapped, type OutboundAgent, type OutboundAnswer, type OutboundCall } from './transport/outbound-http.js';
export type { Logger } from './logging.js';
export { Opaque } from './http/opaque.js';

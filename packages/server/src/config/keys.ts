// The server core's configuration keys (HTTP, TLS, CORS, rate limiting, authentication, uploads). Names,
// defaults and ranges are documented in docs/configuration.md; keys marked [ours] are medkit additions.
import { bool, guardAll, guarded, int, list, str, type KeySpec } from '@medkit/kit';

export const SERVER_KEYS = {
  'server.host': str('127.0.0.1', 'Address (or a name of this machine) to listen on; 0.0.0.0 for containers and robot networks (then with auth, or start-up is refused: server.allow_unauthenticated_remote). A name that does not resolve stops start-up (exit 2, one line naming it).'),
  'server.allow_unauthenticated_remote': guarded('security', bool(false, '[ours] Start even when listening beyond loopback without authentication (auth off, or auth.require_auth_for: none). Off: such a gateway refuses to start (exit 2); anyone who reaches its port could run scripts, write parameters and stop nodes (docs/security.md).')),
  'server.port': int(8080, 'HTTP port.', { min: 1024, max: 65535 }),
  'server.keep_alive_timeout_sec': int(2, 'Idle keep-alive connection timeout.', { min: 1, max: 3600 }),
  'server.limits.max_json_body_bytes': guarded('limit', int(1048576, '[ours] Largest JSON request body (413 above).', { min: 1024, max: 1073741824 })),
  'server.limits.max_header_bytes': guarded('limit', int(16384, '[ours] Largest request header block (431 above).', { min: 1024, max: 1048576 })),
  'server.limits.max_url_length': guarded('limit', int(8192, '[ours] Longest request URL (414 above).', { min: 256, max: 1048576 })),
  'server.limits.request_timeout_ms': guarded('limit', int(30000, '[ours] Time to receive a whole request (408 after); not applied to SSE streams or downloads.', { min: 1000, max: 3600000 })),
  'server.limits.headers_timeout_ms': guarded('limit', int(10000, '[ours] Time to receive the request headers.', { min: 1000, max: 600000 })),
  'server.shutdown_grace_ms': int(5000, '[ours] On SIGINT/SIGTERM, how long in-flight requests may finish before connections are closed.', { min: 0, max: 600000 }),
  data_dir: str('./medkit-data', '[ours] Directory for the SQLite store, black-box recordings and uploaded files.'),
  'logging.level': str('info', '[ours] Log level.', { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }),
  'docs.enabled': guarded('security', bool(true, 'Serve the OpenAPI description (/api/v1/docs, .../docs) and Swagger UI (/docs, /api/v1/swagger-ui).')),
  'sse.max_clients': int(1000, 'All SSE connections together (the reference defaults to 2; medkit serves hundreds).', { min: 1, max: 100000 }),
  'server.allowed_hosts': guarded('security', list(
    [],
    '[ours] Host header allow-list against DNS rebinding (421 for any other host). Empty = localhost, 127.0.0.1, [::1], any IP literal, this machine\'s host name (and <name>.local) and server.host; entries are host names (any port) or host:port; `*` turns the check off (docs/security.md).',
  )),
} satisfies Record<string, KeySpec>;

/** HTTPS and mutual TLS (docs/hardening.md); checked at start-up by transport/tls-settings.ts. */
export const TLS_KEYS = guardAll('security', {
  'server.tls.enabled': bool(false, 'Serve HTTPS (conventional port 8443).'),
  'server.tls.cert_file': str('', 'Server certificate chain (PEM).'),
  'server.tls.key_file': str('', 'Private key of the certificate (PEM); keep it mode 600.'),
  'server.tls.ca_file': str('', 'CA bundle client certificates are verified against (mutual TLS).'),
  'server.tls.require_client_cert': bool(false, '[ours] Mutual TLS: refuse clients without a certificate signed by server.tls.ca_file.'),
  'server.tls.min_version': str('1.2', 'Lowest TLS version accepted: 1.2 or 1.3.', { enum: ['1.2', '1.3'] }),
  'server.tls.client_roles': list(
    [],
    '[ours] Client certificate subjects that are an identity with a role, "<ATTR>=<value>:<role>" (e.g. CN=ops-laptop:operator); roles viewer, operator, configurator, admin.',
  ),
} satisfies Record<string, KeySpec>);

export const CORS_KEYS = guardAll('security', {
  'cors.allowed_origins': list(
    ['http://localhost:*', 'http://127.0.0.1:*'],
    'Origins allowed to call the API from a browser. `*` in the port position matches any port [ours]; empty list = CORS off. A bare `*` is allowed but not with credentials.',
  ),
  'cors.allowed_methods': list(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'], 'Access-Control-Allow-Methods.'),
  'cors.allowed_headers': list(['Content-Type', 'Accept', 'X-Client-Id', 'Last-Event-ID'], 'Access-Control-Allow-Headers (Authorization is added when auth is on).'),
  'cors.allow_credentials': bool(false, 'Access-Control-Allow-Credentials.'),
  'cors.max_age_seconds': int(86400, 'Preflight cache lifetime.', { min: 0, max: 31536000 }),
} satisfies Record<string, KeySpec>);

export const RATE_LIMIT_KEYS = guardAll('limit', {
  'rate_limiting.enabled': bool(false, 'Token-bucket rate limiting per client IP and globally.'),
  'rate_limiting.global_requests_per_minute': int(600, 'Global bucket size and refill per minute.', { min: 1, max: 100000000 }),
  'rate_limiting.client_requests_per_minute': int(60, 'Per-client (IP + endpoint pattern) bucket.', { min: 1, max: 100000000 }),
  'rate_limiting.endpoint_limits': list([], 'Per-endpoint overrides "<pattern>:<rpm>", `*` = one path segment, e.g. /api/v1/*/operations/*:10.'),
  'rate_limiting.client_cleanup_interval_seconds': int(300, 'How often idle client buckets are swept.', { min: 1, max: 86400 }),
  'rate_limiting.client_max_idle_seconds': int(600, 'Idle time after which a client bucket is dropped.', { min: 1, max: 86400 }),
} satisfies Record<string, KeySpec>);

export const STORAGE_KEYS = {
  'bulk_data.max_upload_size': guarded('limit', int(104857600, 'Largest multipart upload in bytes (0 = unlimited).', { min: 0, max: 17179869184 })),
} satisfies Record<string, KeySpec>;

export const AUTH_KEYS = guardAll('security', {
  'auth.enabled': bool(false, 'JWT bearer authentication and roles (docs/security.md). Start-up is refused when the keys below cannot be honoured.'),
  'auth.jwt_secret': str('', 'HS256: the shared secret, at least 32 characters; RS256: path to the private key PEM (or the PEM itself). Prefer the MEDKIT_JWT_SECRET environment variable [ours]. Never shown by any route or log.'),
  'auth.jwt_public_key': str('', 'RS256: path to the public key PEM (or the PEM itself); required for RS256.'),
  'auth.jwt_algorithm': str('HS256', 'HS256 | RS256.', { enum: ['HS256', 'RS256'] }),
  'auth.token_expiry_seconds': int(3600, 'Access token lifetime.', { min: 1, max: 31536000 }),
  'auth.refresh_token_expiry_seconds': int(86400, 'Refresh token lifetime; at least the access token lifetime.', { min: 1, max: 31536000 }),
  'auth.require_auth_for': str('write', 'none (tokens still issued, nothing enforced) | write (POST/PUT/DELETE, and any route above viewer, need a token) | all.', {
    enum: ['none', 'write', 'all'],
  }),
  'auth.requests_per_minute': int(
    20,
    '[ours] With auth on, requests per minute one client (remote IP) may make to /api/v1/auth/* together (a bucket of this size refilled continuously; 429 + Retry-After above), whatever rate_limiting.*; 0 = no limit.',
    { min: 0, max: 1000000 },
  ),
  'auth.issuer': str('ros2_medkit_gateway', 'The `iss` claim of issued tokens, required on presented ones.'),
  'auth.credentials_file': str('', '[ours] With auth on: a file of generated credentials (an HS256 secret and an `admin` client), relative to data_dir, made on first start (mode 0600; the admin secret is printed once) and layered under your config files; `medkit credentials rotate` replaces it (docs/security.md, "First-start credentials"). Empty: none.'),
  'auth.clients': list([], 'Static clients, entries `client_id:client_secret:role` (role case-insensitive: viewer, operator, configurator, admin). Prefer the MEDKIT_AUTH_CLIENTS environment variable (comma-separated) [ours]. Never shown by any route or log.'),
} satisfies Record<string, KeySpec>);

/** Every key the server core reads itself. */
export const SERVER_CORE_KEYS = {
  ...SERVER_KEYS,
  ...TLS_KEYS,
  ...AUTH_KEYS,
  ...CORS_KEYS,
  ...RATE_LIMIT_KEYS,
  ...STORAGE_KEYS,
};

export type ServerKeyName = keyof typeof SERVER_CORE_KEYS;
export type ServerValues = { [K in ServerKeyName]: (typeof SERVER_CORE_KEYS)[K]['default'] };

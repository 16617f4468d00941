// Configuration both tiers read: which fleet, which NATS (servers, credentials, TLS), and the stream's limits
// (docs/fleet.md–4). The robot's link and the fleet server (@medkit/fleet) both read it from here.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@nats-io/transport-node';
import type { ServerConfig } from '@medkit/server';
import { ConfigError, readOutboundTls } from '@medkit/kit';
import { bool, guarded, int, list, str } from '@medkit/kit';
import { isFleetId, type NatsSettings, type StreamLimits } from '@medkit/fleet-protocol';

export const FLEET_COMMON_KEYS = {
  'fleet.id': str('default', 'Fleet id (`[A-Za-z0-9_-]{1,64}`); robots and fleet replicas of one fleet share it. Subjects are `medkit.<fleet>.<robot>.<kind>`, the stream `MEDKIT_<FLEET>`.'),
  'fleet.nats.servers': guarded('security', list(['nats://127.0.0.1:4222'], 'NATS servers (any node of the JetStream cluster; the client learns the rest).')),
  'fleet.nats.user': guarded('security', str('', 'NATS user name (with `fleet.nats.password`); empty = none. Prefer MEDKIT_FLEET_NATS_USER.')),
  'fleet.nats.password': guarded('security', str('', 'NATS password; never logged. Prefer MEDKIT_FLEET_NATS_PASSWORD.')),
  'fleet.nats.token': guarded('security', str('', 'NATS token; never logged. Prefer MEDKIT_FLEET_NATS_TOKEN.')),
  'fleet.nats.nkey_seed': guarded('security', str('', 'NATS NKEY user seed (`SU…`) for servers with `nkey` users; never logged. Prefer MEDKIT_FLEET_NATS_NKEY_SEED or fleet.nats.nkey_seed_file.')),
  'fleet.nats.nkey_seed_file': guarded('security', str('', 'File holding the NATS NKEY user seed (first non-empty line), e.g. written by `nk -gen user`; keep it 0600.')),
  'fleet.nats.tls': guarded('security', bool(false, 'Require TLS to the NATS servers (system CAs unless fleet.nats.ca_file).')),
  'fleet.nats.ca_file': guarded('security', str('', '[ours] CA bundle the NATS servers\' certificates are verified against; implies TLS.')),
  'fleet.nats.cert_file': guarded('security', str('', '[ours] Client certificate (PEM) for NATS servers that verify clients; with fleet.nats.key_file; implies TLS.')),
  'fleet.nats.key_file': guarded('security', str('', '[ours] Private key of fleet.nats.cert_file.')),
  'fleet.fast_path.enabled': bool(true, 'Fast path (docs/fleet.md): a robot also publishes each event once on core NATS (`medkit-fast.<fleet>.<robot>.<kind>`, stored by no stream) and the fleet replicas ingest it at once, so events stay visible within milliseconds while JetStream elects a new leader. JetStream stays the durable path: the outbox keeps an event until JetStream acknowledges it. Needs publish (robots) and subscribe (replicas) permission on those subjects where NATS restricts subjects.'),
  'fleet.health_interval_sec': int(10, 'Seconds between a robot\'s health events (its heartbeat); the fleet marks a robot offline after 3 missed intervals.', { min: 1, max: 3600 }),
  'fleet.stream.max_age_sec': int(7 * 86400, 'Age limit of the fleet stream, seconds (7 days).', { min: 60 }),
  'fleet.stream.max_bytes': int(-1, 'Byte limit of the fleet stream; -1 = unlimited (age only).', { min: -1 }),
  'fleet.stream.duplicate_window_sec': int(120, 'JetStream duplicate window, seconds (≥ 120): a republished event inside it is stored once.', { min: 120, max: 86400 }),
  'fleet.stream.replicas': int(0, 'Replicas of the fleet stream when it is created; 0 = min(3, cluster size), 3 when the servers hide the size (`no_advertise`), fewer only when JetStream cannot place that many (then the fleet\'s /health warns fleet_stream_under_replicated).', { min: 0, max: 5 }),
};

/** The fleet id, refused at start-up when it is not a valid subject token. */
export function fleetIdFrom(config: ServerConfig): string {
  const id = config.read(FLEET_COMMON_KEYS, 'fleet.id');
  if (!isFleetId(id)) throw new ConfigError(`fleet.id '${id}' must match [A-Za-z0-9_-]{1,64}`);
  return id;
}

export function streamLimitsFrom(config: ServerConfig): StreamLimits {
  return {
    maxAgeSec: config.read(FLEET_COMMON_KEYS, 'fleet.stream.max_age_sec'),
    maxBytes: config.read(FLEET_COMMON_KEYS, 'fleet.stream.max_bytes'),
    duplicateWindowSec: config.read(FLEET_COMMON_KEYS, 'fleet.stream.duplicate_window_sec'),
    replicas: config.read(FLEET_COMMON_KEYS, 'fleet.stream.replicas'),
  };
}

/** A user NKEY seed: base32 text starting with `SU` (nats-server `nkey` users; `nk -gen user`). */
const USER_SEED = /^SU[A-Z2-7]{56}$/;

/** The NKEY seed from `fleet.nats.nkey_seed` or the first line of `fleet.nats.nkey_seed_file`; ConfigError when malformed. */
function nkeySeedFrom(config: ServerConfig): Uint8Array | undefined {
  const inline = config.read(FLEET_COMMON_KEYS, 'fleet.nats.nkey_seed');
  const file = config.read(FLEET_COMMON_KEYS, 'fleet.nats.nkey_seed_file');
  if (inline && file) throw new ConfigError('set fleet.nats.nkey_seed or fleet.nats.nkey_seed_file, not both');
  let seed = inline;
  if (file) {
    try {
      seed = (readFileSync(file, 'utf8').split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
    } catch (err) {
      throw new ConfigError(`fleet.nats.nkey_seed_file '${file}' cannot be read: ${(err as Error).message}`);
    }
  }
  if (!seed) return undefined;
  // The seed itself never appears in a message.
  if (!USER_SEED.test(seed)) throw new ConfigError(`the NATS NKEY seed${file ? ` in ${file}` : ''} is not a user seed (58 base32 characters starting with SU)`);
  return new TextEncoder().encode(seed);
}

/** How both tiers' NATS clients connect and reconnect (bench/fleet's simulated robots use the same). */
export const NATS_CLIENT_DEFAULTS = {
  reconnect: true,
  maxReconnectAttempts: -1,
  // The client gives up for good after two refusals in a row unless told not to: a key refused for a while (a
  // credential rotation, an auth timeout on a loaded server) would leave a robot disconnected until restarted.
  ignoreAuthErrorAbort: true,
  reconnectTimeWait: 500,
  timeout: 5000,
  pingInterval: 5000,
  maxPingOut: 2,
} as const satisfies ConnectionOptions;

/** Connection settings from `fleet.nats.*`. Credentials go to the client only; nothing here is logged. */
export function natsOptionsFrom(config: ServerConfig, name: string): NatsSettings {
  const o: ConnectionOptions = { servers: config.read(FLEET_COMMON_KEYS, 'fleet.nats.servers'), name, ...NATS_CLIENT_DEFAULTS };
  const user = config.read(FLEET_COMMON_KEYS, 'fleet.nats.user');
  const pass = config.read(FLEET_COMMON_KEYS, 'fleet.nats.password');
  const token = config.read(FLEET_COMMON_KEYS, 'fleet.nats.token');
  if (user) Object.assign(o, { user, pass });
  if (token) o.token = token;
  // Files are read here, at start-up, so a CA or certificate that cannot be read stops it (named).
  const tls = readOutboundTls(config, FLEET_COMMON_KEYS, { ca: 'fleet.nats.ca_file', cert: 'fleet.nats.cert_file', key: 'fleet.nats.key_file' });
  if (tls) o.tls = { ...(tls.ca ? { ca: tls.ca.toString('utf8') } : {}), ...(tls.cert ? { cert: tls.cert.toString('utf8'), key: tls.key!.toString('utf8') } : {}) };
  else if (config.read(FLEET_COMMON_KEYS, 'fleet.nats.tls')) o.tls = {};
  return { options: o, nkeySeed: nkeySeedFrom(config) };
}

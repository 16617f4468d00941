// Configuration keys both tiers read: which fleet, which NATS, and the stream's limits (fleet.md §2–4).
import { bool, ConfigError, int, list, str, type GatewayConfig } from '../config/index.js';
import { isFleetId } from './envelope.js';
import type { StreamLimits } from './stream.js';

export const FLEET_COMMON_KEYS = {
  'fleet.id': str('default', 'Fleet id (`[A-Za-z0-9_-]{1,64}`); robots and fleet replicas of one fleet share it. Subjects are `medkit.<fleet>.<robot>.<kind>`, the stream `MEDKIT_<FLEET>`.'),
  'fleet.nats.servers': list(['nats://127.0.0.1:4222'], 'NATS servers (any node of the JetStream cluster; the client learns the rest).'),
  'fleet.nats.user': str('', 'NATS user name (with `fleet.nats.password`); empty = none. Prefer MEDKIT_FLEET_NATS_USER.'),
  'fleet.nats.password': str('', 'NATS password; never logged. Prefer MEDKIT_FLEET_NATS_PASSWORD.'),
  'fleet.nats.token': str('', 'NATS token; never logged. Prefer MEDKIT_FLEET_NATS_TOKEN.'),
  'fleet.nats.nkey_seed': str('', 'NATS NKEY user seed (`SU…`) for servers with `nkey` users; never logged. Prefer MEDKIT_FLEET_NATS_NKEY_SEED or fleet.nats.nkey_seed_file.'),
  'fleet.nats.nkey_seed_file': str('', 'File holding the NATS NKEY user seed (first non-empty line), e.g. written by `nk -gen user`; keep it 0600.'),
  'fleet.nats.tls': bool(false, 'Require TLS to the NATS servers (system CAs unless fleet.nats.ca_file).'),
  'fleet.nats.ca_file': str('', '[ours] CA bundle the NATS servers\' certificates are verified against; implies TLS.'),
  'fleet.nats.cert_file': str('', '[ours] Client certificate (PEM) for NATS servers that verify clients; with fleet.nats.key_file; implies TLS.'),
  'fleet.nats.key_file': str('', '[ours] Private key of fleet.nats.cert_file.'),
  'fleet.health_interval_sec': int(10, 'Seconds between a robot\'s health events (its heartbeat); the fleet marks a robot offline after 3 missed intervals.', { min: 1, max: 3600, policy: 'clamp' }),
  'fleet.stream.max_age_sec': int(7 * 86400, 'Age limit of the fleet stream, seconds (7 days).', { min: 60, policy: 'clamp' }),
  'fleet.stream.max_bytes': int(-1, 'Byte limit of the fleet stream; -1 = unlimited (age only).', { min: -1, policy: 'clamp' }),
  'fleet.stream.duplicate_window_sec': int(120, 'JetStream duplicate window, seconds (≥ 120): a republished event inside it is stored once.', { min: 120, max: 86400, policy: 'clamp' }),
  'fleet.stream.replicas': int(0, 'Replicas of the fleet stream when it is created; 0 = min(3, cluster size).', { min: 0, max: 5, policy: 'clamp' }),
};

/** The fleet id, refused at start-up when it is not a valid subject token. */
export function fleetIdFrom(config: GatewayConfig): string {
  const id = config.value<string>('fleet.id');
  if (!isFleetId(id)) throw new ConfigError(`fleet.id '${id}' must match [A-Za-z0-9_-]{1,64}`);
  return id;
}

export function streamLimitsFrom(config: GatewayConfig): StreamLimits {
  return {
    maxAgeSec: config.value<number>('fleet.stream.max_age_sec'),
    maxBytes: config.value<number>('fleet.stream.max_bytes'),
    duplicateWindowSec: config.value<number>('fleet.stream.duplicate_window_sec'),
    replicas: config.value<number>('fleet.stream.replicas'),
  };
}

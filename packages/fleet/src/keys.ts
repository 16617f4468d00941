// Configuration keys of `medkit fleet` (docs/fleet.md), apart from the feature so the key list loads nothing heavy.
import { int, str } from '@medkit/kit';

export const FLEET_SERVER_KEYS = {
  'fleet.database.url': str('postgres://127.0.0.1:5432/medkit', 'PostgreSQL connection string of the fleet store (`medkit fleet`). Prefer MEDKIT_FLEET_DATABASE_URL; the password is never logged.'),
  'fleet.database.pool_size': int(8, 'PostgreSQL connections per fleet replica.', { min: 1, max: 100 }),
  'fleet.database.timeout_ms': int(5000, 'Deadline of one PostgreSQL query or connection attempt; past it the API answers 503.', { min: 100, max: 60_000 }),
  'fleet.ingest.batch': int(256, 'Messages fetched per batch by the shared `fleet-ingest` consumer (one PostgreSQL transaction each).', { min: 1, max: 10_000 }),
  'fleet.ingest.max_ack_pending': int(8192, 'Unacknowledged messages the shared consumer allows across all replicas.', { min: 1, max: 1_000_000 }),
  'fleet.ingest.ack_wait_sec': int(10, 'Seconds before JetStream redelivers an unacknowledged message (a replica died mid-batch).', { min: 1, max: 3600 }),
  'fleet.fast_path.max_queue': int(4096, 'Fast-path events (fleet.fast_path.enabled) a replica holds received and not yet written; past it (or past 8 MiB) they are dropped and counted, and JetStream brings them.', { min: 16, max: 1_000_000 }),
  'fleet.fast_path.robot_rate': int(200, 'Fast-path events per second (and burst) a replica takes from one robot; past it they are dropped and counted, and JetStream brings them. Bounds what a flooding robot costs.', { min: 1, max: 100_000 }),
  'fleet.forward.ca_file': str('', '[ours] CA bundle robot gateways\' HTTPS certificates are verified against for forwarded requests (empty = the system CAs).'),
  'fleet.forward.client_cert_file': str('', '[ours] Client certificate (PEM) presented to robot gateways that require mutual TLS; with fleet.forward.client_key_file.'),
  'fleet.forward.client_key_file': str('', '[ours] Private key of fleet.forward.client_cert_file.'),
  'fleet.forward.timeout_ms': int(5000, 'Deadline of a live request forwarded to a robot\'s gateway (504 past it, 502 when unreachable).', { min: 100, max: 120_000 }),
};

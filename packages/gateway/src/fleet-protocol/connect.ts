// One way to reach NATS for both tiers: servers and credentials from config, reconnecting forever in the
// background, so a robot gateway starts and keeps working while the broker is away.
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { ConfigError, type GatewayConfig } from '../config/index.js';
import { readOutboundTls } from '../transport/outbound-tls.js';

/** How to reach NATS: client options, and the NKEY seed that signs the server's nonce (applied at connect). */
export interface NatsSettings {
  options: ConnectionOptions;
  /** User seed (`SU…`), when the servers require NKEY authentication. */
  nkeySeed?: Uint8Array;
}

/** A user NKEY seed: base32 text starting with `SU` (nats-server `nkey` users; `nk -gen user`). */
const USER_SEED = /^SU[A-Z2-7]{56}$/;

/** The NKEY seed from `fleet.nats.nkey_seed` or the first line of `fleet.nats.nkey_seed_file`; ConfigError when malformed. */
function nkeySeedFrom(config: GatewayConfig): Uint8Array | undefined {
  const inline = config.value<string>('fleet.nats.nkey_seed');
  const file = config.value<string>('fleet.nats.nkey_seed_file');
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

/** Connection settings from `fleet.nats.*`. Credentials go to the client only; nothing here is logged. */
export function natsOptionsFrom(config: GatewayConfig, name: string): NatsSettings {
  const o: ConnectionOptions = {
    servers: config.value<string[]>('fleet.nats.servers'),
    name,
    reconnect: true,
    maxReconnectAttempts: -1,
    // The client gives up for good after two refusals in a row unless told not to: a key refused for a while (a
    // credential rotation, an auth timeout on a loaded server) would leave a robot disconnected until restarted.
    ignoreAuthErrorAbort: true,
    reconnectTimeWait: 500,
    timeout: 5000,
    pingInterval: 5000,
    maxPingOut: 2,
  };
  const user = config.value<string>('fleet.nats.user');
  const pass = config.value<string>('fleet.nats.password');
  const token = config.value<string>('fleet.nats.token');
  if (user) Object.assign(o, { user, pass });
  if (token) o.token = token;
  // Files are read here, at start-up, so a CA or certificate that cannot be read stops it (named).
  const tls = readOutboundTls(config, { ca: 'fleet.nats.ca_file', cert: 'fleet.nats.cert_file', key: 'fleet.nats.key_file' });
  if (tls) o.tls = { ...(tls.ca ? { ca: tls.ca.toString('utf8') } : {}), ...(tls.cert ? { cert: tls.cert.toString('utf8'), key: tls.key!.toString('utf8') } : {}) };
  else if (config.value<boolean>('fleet.nats.tls')) o.tls = {};
  return { options: o, nkeySeed: nkeySeedFrom(config) };
}

/**
 * Connects, retrying every `retryMs` while no server answers, until connected or `stopped()` (then undefined).
 * Once connected the client itself reconnects forever. Never throws.
 */
export async function connectWithRetry(settings: NatsSettings, stopped: () => boolean, onFail: (err: Error) => void, retryMs = 1000): Promise<NatsConnection | undefined> {
  // Loaded on first use: a gateway without the fleet tier never pays for the client.
  const { connect, nkeyAuthenticator } = await import('@nats-io/transport-node');
  const seed = settings.nkeySeed;
  const opts: ConnectionOptions = seed ? { ...settings.options, authenticator: nkeyAuthenticator(() => seed) } : settings.options;
  while (!stopped()) {
    try {
      const nc = await connect(opts);
      if (!stopped()) return nc;
      await nc.close();
      return undefined;
    } catch (err) {
      onFail(err as Error);
      await new Promise((r) => setTimeout(r, retryMs).unref());
    }
  }
  return undefined;
}

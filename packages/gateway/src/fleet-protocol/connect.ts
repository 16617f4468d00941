// One way to reach NATS for both tiers: servers and credentials from config, reconnecting forever in the
// background, so a robot gateway starts and keeps working while the broker is away.
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import type { GatewayConfig } from '../config/index.js';
import { readOutboundTls } from '../transport/outbound-tls.js';

/** Connection options from `fleet.nats.*`. Credentials go to the client only; nothing here is logged. */
export function natsOptionsFrom(config: GatewayConfig, name: string): ConnectionOptions {
  const o: ConnectionOptions = {
    servers: config.value<string[]>('fleet.nats.servers'),
    name,
    reconnect: true,
    maxReconnectAttempts: -1,
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
  return o;
}

/**
 * Connects, retrying every `retryMs` while no server answers, until connected or `stopped()` (then undefined).
 * Once connected the client itself reconnects forever. Never throws.
 */
export async function connectWithRetry(opts: ConnectionOptions, stopped: () => boolean, onFail: (err: Error) => void, retryMs = 1000): Promise<NatsConnection | undefined> {
  // Loaded on first use: a gateway without the fleet tier never pays for the client.
  const { connect } = await import('@nats-io/transport-node');
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

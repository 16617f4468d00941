// One way to reach NATS for both tiers: reconnecting forever in the background, so a robot gateway starts
// and keeps working while the broker is away. The settings come from configuration (@medkit/fleet-link's
// natsOptionsFrom), so this module stays free of the gateway.
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';

/** How to reach NATS: client options, and the NKEY seed that signs the server's nonce (applied at connect). */
export interface NatsSettings {
  options: ConnectionOptions;
  /** User seed (`SU…`), when the servers require NKEY authentication. */
  nkeySeed?: Uint8Array;
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

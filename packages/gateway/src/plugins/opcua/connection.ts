// One OPC-UA client connection kept alive (docs/opcua.md "Connection"): connect → session → subscription,
// each step with a deadline; on failure or loss tear down and try again after an exponential, bounded
// backoff. The library is passed in (imported lazily by the plugin), so nothing here loads it.
import type { ClientSession, ClientSubscription, OPCUAClient } from 'node-opcua-client';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OpcuaConfig } from './config.js';
import { withDeadline } from '../guard.js';
import type { PluginLogger } from '../contract.js';
import { userIdentity } from './user-token.js';
import { discoverEndpoint, type ChosenEndpoint } from './endpoint-discovery.js';

export type OpcuaLib = typeof import('node-opcua-client');
export type CertificateManagerLib = typeof import('node-opcua-certificate-manager');

/** A connected session with its one subscription. */
export interface LiveSession {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription;
}

export interface ConnectionHandlers {
  /** Sets up monitored items on a fresh session; throwing fails the attempt (and it is retried). */
  onConnected(live: LiveSession): Promise<void>;
  onDisconnected(reason: string): void;
}

export type ConnectionState = 'connecting' | 'connected' | 'waiting' | 'stopped';

/** The library's own default client PKI folder (docs/opcua.md `pki_dir`). */
const DEFAULT_PKI_DIR = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'node-opcua-default-nodejs', 'PKI');

const SECURITY_POLICY_NAME = { None: 'None', Basic256Sha256: 'Basic256Sha256', Aes128Sha256RsaOaep: 'Aes128_Sha256_RsaOaep', Aes256Sha256RsaPss: 'Aes256_Sha256_RsaPss' } as const;

export class OpcuaConnection {
  state: ConnectionState = 'waiting';
  /** Failed attempts and lost connections since start. */
  errorCount = 0;
  lastError?: string;
  /** The endpoint GetEndpoints chose (with `discovery.enabled`), from the latest attempt. */
  chosenEndpoint?: ChosenEndpoint;
  connectedAt?: number;
  /** When the connection was last lost (or start, before the first success). */
  downSince = Date.now();
  private live?: LiveSession;
  private timer?: NodeJS.Timeout;
  private delay: number;
  private generation = 0;

  constructor(
    private readonly lib: OpcuaLib,
    private readonly certs: CertificateManagerLib,
    private readonly cfg: OpcuaConfig,
    private readonly handlers: ConnectionHandlers,
    private readonly log: PluginLogger,
  ) {
    this.delay = cfg.reconnect_initial_delay_ms;
  }

  /** The live session, while connected. */
  get current(): LiveSession | undefined {
    return this.state === 'connected' ? this.live : undefined;
  }

  /** Starts connecting in the background; never throws. */
  start(): void {
    void this.attempt();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.generation++;
    clearTimeout(this.timer);
    const live = this.live;
    this.live = undefined;
    if (live) await this.teardown(live.client, live.session);
  }

  /** A remote call on the live session with the request deadline; throws when not connected. */
  async call<T>(what: string, fn: (s: ClientSession) => Promise<T>): Promise<T> {
    const live = this.current;
    if (!live) throw new NotConnectedError();
    return withDeadline('opcua', what, this.cfg.request_timeout_ms, () => fn(live.session));
  }

  /** `discovery`: the throw-away unsecured client of GetEndpoints (endpoint-discovery.ts). */
  private createClient(discovery = false): OPCUAClient {
    const { lib, cfg } = this;
    // Always our own manager: the library's default one accepts (and trusts) any unknown server
    // certificate, which would make reject_untrusted a no-op without pki_dir. One per attempt, reading
    // the folder afresh (a certificate moved to trusted/ counts from the next attempt), so no file watchers.
    const manager = new this.certs.OPCUACertificateManager({ rootFolder: cfg.pki_dir ?? DEFAULT_PKI_DIR, automaticallyAcceptUnknownCertificate: !cfg.reject_untrusted, disableFileWatchers: true });
    return lib.OPCUAClient.create({
      applicationName: 'medkit-gateway',
      endpointMustExist: false,
      securityMode: lib.MessageSecurityMode[discovery ? 'None' : cfg.security_mode],
      securityPolicy: lib.SecurityPolicy[discovery ? 'None' : SECURITY_POLICY_NAME[cfg.security_policy]],
      // Reconnection is ours (bounded backoff, stale marking); the library gives up at once.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      requestedSessionTimeout: 60_000,
      transportTimeout: cfg.connect_timeout_ms,
      keepSessionAlive: false,
      clientCertificateManager: manager,
      ...(cfg.client_cert_path ? { certificateFile: cfg.client_cert_path } : {}),
      ...(cfg.client_key_path ? { privateKeyFile: cfg.client_key_path } : {}),
    });
  }


  private async attempt(): Promise<void> {
    if (this.state === 'stopped') return;
    const gen = ++this.generation;
    this.state = 'connecting';
    const cfg = this.cfg;
    let client: OPCUAClient | undefined;
    let session: ClientSession | undefined;
    try {
      if (cfg.discovery_enabled) {
        this.chosenEndpoint = undefined;
        this.chosenEndpoint = await discoverEndpoint(this.lib, this.createClient(true), cfg, this.lib.SecurityPolicy[SECURITY_POLICY_NAME[cfg.security_policy]], (what, fn) =>
          withDeadline('opcua', what, cfg.connect_timeout_ms, fn),
        );
      }
      client = this.createClient();
      const c = client;
      await withDeadline('opcua', 'connect', cfg.connect_timeout_ms, () => c.connect(cfg.endpoint_url));
      session = await withDeadline('opcua', 'createSession', cfg.connect_timeout_ms, () => c.createSession(userIdentity(this.lib, cfg)));
      const s = session;
      const subscription = await withDeadline('opcua', 'createSubscription', cfg.request_timeout_ms, () =>
        s.createSubscription2({
          requestedPublishingInterval: cfg.subscription_interval_ms,
          requestedLifetimeCount: 60,
          requestedMaxKeepAliveCount: 10,
          maxNotificationsPerPublish: 1000,
          publishingEnabled: true,
          priority: 1,
        }),
      );
      if (gen !== this.generation) throw new Error('stopped');
      const live: LiveSession = { client: c, session: s, subscription };
      this.live = live;
      const lost = (why: string) => () => this.lost(gen, why);
      c.on('connection_lost', lost('connection lost'));
      c.on('close', lost('connection closed'));
      s.on('session_closed', lost('session closed'));
      subscription.on('terminated', lost('subscription terminated'));
      await this.handlers.onConnected(live);
      if (gen !== this.generation) throw new Error('stopped');
      this.state = 'connected';
      this.connectedAt = Date.now();
      this.delay = cfg.reconnect_initial_delay_ms;
      this.log.info(`connected to ${cfg.endpoint_url}`);
    } catch (err) {
      if (this.live?.client === client) this.live = undefined;
      if (client) void this.teardown(client, session);
      if ((this.state as ConnectionState) === 'stopped' || gen !== this.generation) return;
      this.errorCount++;
      this.lastError = `${(err as Error)?.message ?? String(err)}`;
      this.retry(`connecting to ${cfg.endpoint_url} failed: ${this.lastError}`);
    }
  }

  private lost(gen: number, reason: string): void {
    if (gen !== this.generation || this.state !== 'connected') return;
    const live = this.live;
    this.live = undefined;
    this.errorCount++;
    this.lastError = reason;
    this.downSince = Date.now();
    this.generation++;
    this.handlers.onDisconnected(reason);
    if (live) void this.teardown(live.client, live.session);
    this.retry(`${this.cfg.endpoint_url}: ${reason}`);
  }

  /** Schedules the next attempt after the current backoff, then doubles it (bounded by reconnect.max_delay_ms). */
  private retry(message: string): void {
    if (this.state === 'stopped') return;
    this.state = 'waiting';
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.cfg.reconnect_max_delay_ms);
    this.log.warn(`${message}; retrying in ${wait} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), wait);
    this.timer.unref();
  }

  /** Closes a client with a deadline; errors are expected (the server may be gone) and ignored. */
  private async teardown(client: OPCUAClient, session?: ClientSession): Promise<void> {
    try {
      if (session) await withDeadline('opcua', 'closeSession', 1000, () => session.close(true));
    } catch {
      // the server is gone or refused: closing the socket below is all that is left to do
    }
    try {
      await withDeadline('opcua', 'disconnect', 2000, () => client.disconnect());
    } catch {
      // abandoned after its deadline; the socket is closed by the library eventually
    }
  }
}

/** A remote call while the connection is down. */
export class NotConnectedError extends Error {
  constructor() {
    super('not connected to the OPC-UA server');
    this.name = 'NotConnectedError';
  }
}

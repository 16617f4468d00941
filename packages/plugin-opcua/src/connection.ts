// One OPC-UA client connection kept alive (docs/opcua.md "Connection"): connect → session → subscription,
// each step with a deadline; on failure or loss tear down and try again after an exponential, bounded
// backoff. The library is passed in (imported lazily by the plugin), so nothing here loads it.
// A hung server (a stopped process, a PLC whose CPU is stuck) keeps its TCP connection open and answers
// nothing, so the socket never reports a loss: every request on the live session is counted, and
// `keepalive_max_missed` consecutive ones missing their deadline (a keep-alive read every
// `keepalive_interval_ms` makes sure there are some) count as a lost connection.
import type { ClientSession, ClientSubscription, OPCUAClient } from 'node-opcua-client';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OpcuaConfig } from './config.js';
import { Backoff, type PluginLogger, PluginTimeoutError, withDeadline } from '@medkit/plugin-api';
import { userIdentity } from './user-token.js';
import { discoverEndpoint, type ChosenEndpoint } from './endpoint-discovery.js';
import type { CertificateManagerLib, OpcuaLib } from './lib.js';


/** A connected session with its one subscription. */
export interface LiveSession {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription;
}

interface ConnectionHandlers {
  /** Sets up monitored items on a fresh session; throwing fails the attempt (and it is retried). */
  onConnected(live: LiveSession): Promise<void>;
  onDisconnected(reason: string): void;
  /** A keep-alive read was answered (the server is responsive again after a missed deadline, for instance). */
  onAlive?(): void;
}

/** ServerStatus.CurrentTime (Part 5 docs/security.md, ns=0;i=2258): every server has it and reading it costs nothing. */
const CURRENT_TIME = 'i=2258';

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
  private readonly backoff: Backoff;
  private generation = 0;
  /** Consecutive requests on the live session that missed their deadline. */
  private missed = 0;
  private keepAliveTimer?: NodeJS.Timeout;

  constructor(
    private readonly lib: OpcuaLib,
    private readonly certs: CertificateManagerLib,
    private readonly cfg: OpcuaConfig,
    private readonly handlers: ConnectionHandlers,
    private readonly log: PluginLogger,
  ) {
    this.backoff = new Backoff({ initialMs: cfg.reconnect_initial_delay_ms, maxMs: cfg.reconnect_max_delay_ms });
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
    clearTimeout(this.keepAliveTimer);
    const live = this.live;
    this.live = undefined;
    if (live) await this.teardown(live.client, live.session);
  }

  /** A remote call on the live session with the request deadline; throws when not connected. */
  async call<T>(what: string, fn: (s: ClientSession) => Promise<T>): Promise<T> {
    const live = this.current;
    if (!live) throw new NotConnectedError();
    return this.guard(what, () => fn(live.session));
  }

  /**
   * Any request to the server with the request deadline, counted for hang detection: an answer resets the
   * count, a missed deadline adds one, and `keepalive_max_missed` in a row while connected lose the connection.
   */
  async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const gen = this.generation;
    try {
      const r = await withDeadline('opcua', what, this.cfg.request_timeout_ms, fn);
      if (gen === this.generation) this.missed = 0;
      return r;
    } catch (err) {
      if (err instanceof PluginTimeoutError) this.missedDeadline(gen, what);
      throw err;
    }
  }

  private missedDeadline(gen: number, what: string): void {
    if (gen !== this.generation || this.state !== 'connected') return;
    this.missed++;
    if (this.missed >= this.cfg.keepalive_max_missed) {
      this.lost(gen, `the server answered none of the last ${this.missed} requests within ${this.cfg.request_timeout_ms} ms (last: ${what}); it is not responding`);
    }
  }

  /** One keep-alive read every keepalive_interval_ms while this generation is connected, never two at once. */
  private scheduleKeepAlive(gen: number, live: LiveSession): void {
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = setTimeout(() => {
      if (gen !== this.generation || this.state !== 'connected') return;
      this.guard('keep-alive read', () => live.session.read({ nodeId: CURRENT_TIME, attributeId: this.lib.AttributeIds.Value })).then(
        () => {
          if (gen === this.generation) this.handlers.onAlive?.();
        },
        () => undefined, // counted by guard; a Bad answer is an answer
      ).finally(() => {
        if (gen === this.generation && this.state === 'connected') this.scheduleKeepAlive(gen, live);
      });
    }, this.cfg.keepalive_interval_ms);
    this.keepAliveTimer.unref();
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
        const probe = this.createClient(true);
        await withDeadline('opcua', 'client certificate set-up', LOCAL_SETUP_TIMEOUT_MS, () => prepareClient(probe));
        this.chosenEndpoint = await discoverEndpoint(this.lib, probe, cfg, this.lib.SecurityPolicy[SECURITY_POLICY_NAME[cfg.security_policy]], (what, fn) =>
          withDeadline('opcua', what, cfg.connect_timeout_ms, fn),
        );
      }
      client = this.createClient();
      const c = client;
      // Local work first, outside the connect deadline: opening the PKI and, on a first start, creating the
      // client certificate (key generation) can take seconds on a busy machine and is no round trip to the
      // server. It has a deadline of its own (a stuck disk must not stall the loop); connect() repeats it as a no-op.
      await withDeadline('opcua', 'client certificate set-up', LOCAL_SETUP_TIMEOUT_MS, () => prepareClient(c));
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
      this.missed = 0;
      this.backoff.reset();
      this.scheduleKeepAlive(gen, live);
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
    clearTimeout(this.keepAliveTimer);
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
    const wait = this.backoff.next();
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

/** The local part of a first connect (PKI, client certificate) may take this long; it is not the server's time. */
const LOCAL_SETUP_TIMEOUT_MS = 120_000;

/**
 * Runs the client's certificate set-up (node-opcua's initializeCM, protected in its typings) ahead of
 * connect(); connect() runs it again, finding everything in place.
 */
async function prepareClient(client: OPCUAClient): Promise<void> {
  const init = (client as unknown as { initializeCM?: () => Promise<void> }).initializeCM;
  if (typeof init === 'function') await init.call(client);
}

/** A remote call while the connection is down. */
export class NotConnectedError extends Error {
  readonly code: string = 'opcua-not-connected';
  constructor() {
    super('not connected to the OPC-UA server');
    this.name = 'NotConnectedError';
  }
}

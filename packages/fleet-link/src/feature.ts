// The robot side of the fleet tier (docs/fleet.md), off by default: fault events, entity-tree changes and a
// periodic health heartbeat go through the SQLite outbox to JetStream subjects `medkit.<fleet>.<robot>.*`.
// The gateway never waits for the broker: events are stored locally first and drained in seq order.
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ServerConfig, ServerFeature } from '@medkit/server';
import type { RobotServices } from './robot-services.js';
import { ConfigError, warning, type HealthWarning } from '@medkit/kit';
import { bool, int, str } from '@medkit/kit';
import { isFleetId, type HealthBody, connectWithRetry, type NatsSettings, ensureFleetStream } from '@medkit/fleet-protocol';
import { Backoff } from '@medkit/sovd';
import { FLEET_COMMON_KEYS, fleetIdFrom, natsOptionsFrom, streamLimitsFrom } from './fleet-config.js';
import { Outbox, OUTBOX_MIGRATIONS } from './outbox.js';
import { OutboxDrain, ROBOT_DRAIN_BACKOFF } from './drain.js';
import { loadNatsErrors } from './nats-errors.js';
import { entitiesBody, faultEventBody } from './bodies.js';
import { LogForwarder } from './log-forwarder.js';

export const FLEET_LINK_KEYS = {
  'fleet.enabled': bool(false, 'Publish this robot\'s fault events, entity tree and health to the fleet\'s NATS JetStream (docs/fleet.md).'),
  'fleet.robot_id': str('', 'Robot id in the fleet (`[A-Za-z0-9_-]{1,64}`); empty = the manifest\'s metadata.name, else the host name\'s first label.'),
  'fleet.gateway_url': str('', 'This gateway\'s base URL as the fleet should reach it for live requests (data, operations, configurations, fault details, black-box downloads); empty = the address the server is bound to (unless 0.0.0.0 or ::).'),
  'fleet.outbox.max_events': int(100_000, 'Bound of the on-disk outbox; past it the oldest health and log events are dropped first, fault events last (each drop counted on /health). /health warns at 80 %.', { min: 10, max: 10_000_000 }),
  'fleet.publish.ack_timeout_ms': int(5000, 'Deadline of one JetStream publish acknowledgement; past it the NATS server must answer a PING within 1 s or the link moves to another server, and the event is sent again (same Nats-Msg-Id). A publish in flight on a dropped connection does not wait for it.', { min: 100, max: 60_000 }),
  'fleet.logs.enabled': bool(true, 'Send log entries of WARN and above as `logs` events (rate-limited by fleet.logs.max_per_second).'),
  'fleet.logs.max_per_second': int(10, 'Sustained rate (and burst) of `logs` events; entries past it are counted, and the count rides on the next event.', { min: 1, max: 1000 }),
};

/** Share of the outbox bound past which /health warns. */
const NEAR_FULL = 0.8;
/** Entity snapshots are sent at most this often (docs/fleet.md: debounced ≥ 1 s). */
const ENTITY_DEBOUNCE_MS = 1000;

/** fleet.robot_id, else manifest metadata.name, else the host name's first label; refused when invalid. */
function robotIdFrom(config: ServerConfig, manifestName: string | undefined): string {
  const configured = config.read(FLEET_LINK_KEYS, 'fleet.robot_id');
  const id = configured || manifestName || hostname().split('.')[0];
  if (!isFleetId(id)) throw new ConfigError(`fleet robot id '${id}' must match [A-Za-z0-9_-]{1,64}; set fleet.robot_id`);
  return id;
}

export interface FleetLinkStatus {
  fleet: string;
  robot_id: string;
  connected: boolean;
  outbox: ReturnType<Outbox['stats']>;
  published: number;
  publish_failures: number;
  /** Publishes given up because the connection to their NATS server dropped, and sent again on the next one. */
  resent_after_disconnect: number;
  /** Times the link left a NATS server that did not answer a PING after a publish deadline passed. */
  dead_server_reconnects: number;
  /** WARN+ log entries the `logs` rate limit held back since start. */
  logs_suppressed: number;
  /** The fast path (fleet.fast_path.enabled): events published on it, left to JetStream alone, refusals by the server. */
  fast_path: { enabled: boolean; published: number; skipped: number; denied: number };
  last_error?: string;
}

export function createFleetLinkFeature(config: ServerConfig, robotServices: RobotServices): ServerFeature {
  const enabled = config.read(FLEET_LINK_KEYS, 'fleet.enabled');
  const fastPathOn = config.read(FLEET_COMMON_KEYS, 'fleet.fast_path.enabled');
  let outbox: Outbox | undefined;
  let drain: OutboxDrain | undefined;
  let nc: NatsConnection | undefined;
  let fleet = '';
  let robot = '';
  const timers: NodeJS.Timeout[] = [];
  let offFaults: (() => void) | undefined;
  let offLogs: (() => void) | undefined;
  let nats: NatsSettings | undefined;
  let logs: LogForwarder | undefined;
  let stopping = false;
  const enqueue = (kind: Parameters<Outbox['enqueue']>[0], body: unknown) => {
    outbox!.enqueue(kind, body);
    drain?.notify();
  };

  return {
    name: 'fleet-link',
    // After faults, whose event stream it forwards to the fleet.
    uses: [robotServices.entities, robotServices.faults, robotServices.logs],
    keys: { ...FLEET_COMMON_KEYS, ...FLEET_LINK_KEYS },
    migrations: enabled ? OUTBOX_MIGRATIONS : [],
    init(ctx) {
      if (!enabled) return;
      fleet = fleetIdFrom(ctx.config);
      const entities = ctx.services.find(robotServices.entities);
      robot = robotIdFrom(ctx.config, entities?.manifest?.metadata.name);
      // Read at init, not in the background: TLS files that cannot be read and a malformed NKEY seed stop start-up (named).
      nats = natsOptionsFrom(ctx.config, `medkit-robot-${robot}`);
      const box = new Outbox(ctx.db, robot, ctx.config.read(FLEET_LINK_KEYS, 'fleet.outbox.max_events'));
      outbox = box;
      // Fault events enter the outbox inside the fault store's own write transaction, so a fault and its
      // fleet event commit together (docs/fleet.md; docs/fleet.md "Delivery guarantees"). A fault store in
      // another file (faults.database_path) or in memory cannot share the transaction: then the event is
      // written right after the fault, synchronously, and a crash between the two can lose it.
      const manager = ctx.services.find(robotServices.faults)?.system.manager;
      if (manager && manager.repository.database === ctx.db) {
        offFaults = manager.addEventJournal((e) => {
          box.enqueue('faults', faultEventBody(e));
          // After the commit: the drain reads committed rows only.
          queueMicrotask(() => drain?.notify());
        });
      } else if (manager) {
        ctx.log.warn({ component: 'fleet-link' }, 'the fault store is not the gateway database: fleet fault events are written after the fault, not in its transaction');
        offFaults = manager.events.subscribe((e) => enqueue('faults', faultEventBody(e)));
      }
      const logManager = ctx.config.read(FLEET_LINK_KEYS, 'fleet.logs.enabled') ? ctx.services.find(robotServices.logs) : undefined;
      if (logManager) {
        const fwd = new LogForwarder(ctx.config.read(FLEET_LINK_KEYS, 'fleet.logs.max_per_second'), (body) => {
          if (!stopping) enqueue('logs', body);
        });
        logs = fwd;
        offLogs = logManager.onEntry((e) => fwd.offer(e));
      }
      ctx.health.add(() => {
        const st = box.stats();
        const warnings: HealthWarning[] = [];
        if (st.pending >= NEAR_FULL * st.max_events) {
          warnings.push(warning('fleet_outbox_near_full', `fleet outbox holds ${st.pending} of ${st.max_events} events; past the bound, health and log events are dropped first, then fault events`));
        }
        const d = drain?.stats();
        if (!nc || nc.isClosed() || d?.stalled) warnings.push(warning('fleet_broker_unreachable', 'fleet broker (NATS JetStream) is not acknowledging; events wait in the outbox'));
        return { fields: { 'x-medkit-fleet': status() }, warnings };
      });
    },
    async start(ctx) {
      if (!enabled || !outbox) return;
      const box = outbox;
      const log = ctx.log.child({ component: 'fleet-link' });
      const interval = ctx.config.read(FLEET_COMMON_KEYS, 'fleet.health_interval_sec');
      // Unset: the address this server is bound to (fine on a robot's own network; set it behind NAT).
      const bound = ctx.listening && ctx.listening.host !== '0.0.0.0' && ctx.listening.host !== '::' ? `${ctx.listening.scheme ?? 'http'}://${ctx.listening.host.includes(':') ? `[${ctx.listening.host}]` : ctx.listening.host}:${ctx.listening.port}` : undefined;
      const gatewayUrl = ctx.config.read(FLEET_LINK_KEYS, 'fleet.gateway_url') || bound;
      const entities = ctx.services.find(robotServices.entities);
      const faults = ctx.services.find(robotServices.faults);
      const sendHealth = async () => {
        const h = await ctx.health.collect();
        const body: HealthBody = {
          // The robot's own /health status, not a guess from its warnings (a notice such as ros_disabled leaves it healthy).
          status: h.degraded ? 'degraded' : 'healthy',
          warnings: h.warnings.map((w) => w.code),
          fault_count: faults?.system.manager.health().fault_count ?? 0,
          interval_sec: interval,
          gateway_url: gatewayUrl,
          outbox: { pending: box.pending, dropped: box.stats().dropped_total },
        };
        if (!stopping) enqueue('health', body);
      };
      // Entity tree: once now, then whenever the cache generation moved, at most once a second.
      let sentGeneration = -1;
      const sendEntities = () => {
        const cache = entities?.cache;
        if (!cache || cache.generation === sentGeneration) return;
        sentGeneration = cache.generation;
        enqueue('entities', entitiesBody(cache.snapshot()));
      };
      sendEntities();
      void sendHealth();
      timers.push(setInterval(sendEntities, ENTITY_DEBOUNCE_MS), setInterval(() => void sendHealth(), interval * 1000));
      for (const t of timers) t.unref();

      // The stream may be created by the fleet (or by an operator): publishing starts regardless, and
      // a missing stream only means publishes fail and retry until it exists.
      const ensureStreamRetrying = async (conn: NatsConnection) => {
        // A fixed 1 s pace: the stream is cheap to ask for, and the drain's own backoff paces the publishes.
        const backoff = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 1 });
        while (!stopping) {
          try {
            await ensureFleetStream(conn, fleet, streamLimitsFrom(ctx.config));
            return;
          } catch (err) {
            log.debug({ err: (err as Error).message }, 'fleet stream not ensured yet; retrying');
            await new Promise((r) => setTimeout(r, backoff.next()).unref());
          }
        }
      };
      // Connect in the background: the gateway serves (and the outbox fills) whether or not the broker is up.
      void (async () => {
        try {
          const conn = await connectWithRetry(nats!, () => stopping, (err) => log.debug({ err: err.message }, 'NATS not reachable yet; events wait in the outbox'));
          if (!conn) return;
          nc = conn;
          void ensureStreamRetrying(conn);
          const [{ jetstream }, errors] = await Promise.all([import('@nats-io/jetstream'), loadNatsErrors()]);
          drain = new OutboxDrain(box, jetstream(conn, { timeout: ctx.config.read(FLEET_LINK_KEYS, 'fleet.publish.ack_timeout_ms') }), {
            errors,
            fleet,
            robot,
            ackTimeoutMs: ctx.config.read(FLEET_LINK_KEYS, 'fleet.publish.ack_timeout_ms'),
            ...ROBOT_DRAIN_BACKOFF,
            connection: conn,
            onError: (err) => log.debug({ err: err.message }, 'fleet publish failed; retrying with backoff'),
            fastPath: fastPathOn ? conn : undefined,
            onFastPathDenied: (subject) => log.warn({ subject }, 'the NATS server refuses the fleet fast path\'s subject (permissions); events go by JetStream only, the fast path is tried again in 5 min'),
          });
          drain.start();
          log.info({ fleet, robot }, 'fleet link connected');
        } catch (err) {
          log.error({ err: (err as Error).message }, 'fleet link could not connect to NATS');
        }
      })();
    },
    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      offFaults?.();
      offLogs?.();
      await drain?.stop();
      // Bounded: close() does not wait for the broker.
      await nc?.close().catch(() => undefined);
    },
    summary() {
      return enabled ? [['fleet', `robot '${robot}' in fleet '${fleet}', outbox ${outbox?.pending ?? 0} pending`]] : [];
    },
  };

  function status(): FleetLinkStatus {
    const d = drain?.stats();
    return {
      fleet,
      robot_id: robot,
      connected: Boolean(nc && !nc.isClosed() && !d?.stalled),
      outbox: outbox!.stats(),
      published: d?.published ?? 0,
      publish_failures: d?.failures ?? 0,
      resent_after_disconnect: d?.resent_after_disconnect ?? 0,
      dead_server_reconnects: d?.dead_server_reconnects ?? 0,
      logs_suppressed: logs?.suppressedTotal ?? 0,
      fast_path: { enabled: fastPathOn, published: d?.fast_published ?? 0, skipped: d?.fast_skipped ?? 0, denied: d?.fast_denied ?? 0 },
      last_error: d?.last_error,
    };
  }
}

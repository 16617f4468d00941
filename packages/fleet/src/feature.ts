// `medkit fleet`: the fleet tier as a feature of the same gateway core (HTTP server, error table, SSE,
// /health, OpenAPI). A replica holds no state of its own: PostgreSQL holds the fleet, JetStream the
// backlog; any number of replicas share the durable consumer (docs/fleet.md).
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { type ServerConfig, type ServerFeature, METRICS_SERVICE } from '@medkit/server';
import { outboundAgent } from '@medkit/kit';
import { FLEET_SERVER_KEYS } from './keys.js';
import { connectWithRetry, type NatsSettings, ensureFleetStream, streamName } from '@medkit/fleet-protocol';
import { FLEET_COMMON_KEYS, fleetIdFrom, natsOptionsFrom, streamLimitsFrom } from '@medkit/fleet-link';
import { migrateFleetSchema } from './schema.js';
import { FleetIngest } from './ingest.js';
import { FastPathIngest } from './fast-path.js';
import { fleetHealth } from './health.js';
import { FleetLiveFeed } from './http/live.js';
import { registerFleetRoutes } from './routes.js';
import { registerFleetMetrics } from './metrics.js';

export function createFleetFeature(_config?: ServerConfig, opts: { keepaliveMs?: number } = {}): ServerFeature {
  let pool: pg.Pool | undefined;
  let nc: NatsConnection | undefined;
  let ingest: FleetIngest | undefined;
  let fast: FastPathIngest | undefined;
  let fastConn: NatsConnection | undefined;
  let fastPathOn = false;
  let feed: FleetLiveFeed | undefined;
  let migrated = false;
  let stopping = false;
  let natsOptions: NatsSettings | undefined;
  let fleet = '';
  let natsUp = false;
  let startupProblem: string | undefined = 'connecting to the database';
  let observeLag: ((seconds: number) => void) | undefined;
  const startedAt = Date.now();
  const background: Promise<void>[] = [];
  const needPool = () => {
    if (!pool) throw new Error('fleet feature used before init');
    return pool;
  };

  return {
    name: 'fleet',
    keys: { ...FLEET_COMMON_KEYS, ...FLEET_SERVER_KEYS },
    // The gateway core's /metrics, when on: the fleet adds its ingest and robot metrics there.
    uses: [METRICS_SERVICE],
    init(ctx) {
      fleet = fleetIdFrom(ctx.config);
      fastPathOn = ctx.config.read(FLEET_COMMON_KEYS, 'fleet.fast_path.enabled');
      // Read at init, not in the background: TLS files that cannot be read and a malformed NKEY seed stop start-up (named).
      natsOptions = natsOptionsFrom(ctx.config, 'medkit-fleet');
      const timeout = ctx.config.read(FLEET_SERVER_KEYS, 'fleet.database.timeout_ms');
      pool = new pg.Pool({
        connectionString: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.database.url'),
        max: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.database.pool_size'),
        connectionTimeoutMillis: timeout,
        query_timeout: timeout,
        statement_timeout: timeout,
        application_name: 'medkit-fleet',
      });
      // An idle client losing its server (PostgreSQL restart) must not crash the replica.
      pool.on('error', (err) => ctx.log.warn({ err: err.message }, 'fleet database connection lost'));
      ctx.health.add(() => fleetHealth({
        fleet,
        pool: needPool,
        ingest: () => ingest,
        fastPath: () => fast?.stats() ?? { enabled: fastPathOn },
        natsConnected: () => natsUp,
        migrated: () => migrated,
        liveClients: () => feed?.clients ?? 0,
        startupProblem: () => startupProblem,
        startedAt,
      }));
      const metrics = ctx.services.find(METRICS_SERVICE);
      if (metrics) observeLag = registerFleetMetrics(metrics, { ingest: () => ingest, fastPath: () => fast, pool: needPool });
    },
    routes(ctx) {
      return registerFleetRoutes({
        pool: needPool,
        feed: () => feed,
        sse: ctx.sse,
        keepaliveMs: opts.keepaliveMs ?? 30_000,
        forwardTimeoutMs: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.forward.timeout_ms'),
        forwardAgent: outboundAgent(ctx.config, FLEET_SERVER_KEYS, { ca: 'fleet.forward.ca_file', cert: 'fleet.forward.client_cert_file', key: 'fleet.forward.client_key_file' }),
      });
    },
    start(ctx) {
      const log = ctx.log.child({ component: 'fleet' });
      const p = needPool();
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
      // Schema first (retrying while PostgreSQL is away), then the broker; neither blocks the HTTP server.
      background.push((async () => {
        while (!stopping && !migrated) {
          try {
            const applied = await migrateFleetSchema(p);
            migrated = true;
            if (applied.length) log.info({ applied }, 'fleet schema migrated');
          } catch (err) {
            startupProblem = `fleet schema migration failed: ${(err as Error).message}`;
            log.warn({ err: (err as Error).message }, 'fleet schema migration failed; retrying');
            await sleep(1000);
          }
        }
        startupProblem = 'connecting to NATS';
        // The fast path reads on a connection of its own: a flood on its subjects that makes the NATS server cut a slow
        // consumer then costs only the fast path, never the JetStream ingest or the live feed's consumer.
        // It needs neither the stream nor the consumer, so it starts as soon as it is connected, even while JetStream
        // cannot answer.
        const fastReady = fastPathOn
          ? connectWithRetry({ ...natsOptions!, options: { ...natsOptions!.options, name: 'medkit-fleet-fast-path' } }, () => stopping, () => undefined).then((fc) => {
            if (!fc) return undefined;
            fastConn = fc;
            fast = new FastPathIngest(fc, p, {
              fleet,
              batch: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.ingest.batch'),
              maxQueue: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.fast_path.max_queue'),
              robotRate: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.fast_path.robot_rate'),
              log,
            });
            fast.start();
            return fc;
          })
          : Promise.resolve(undefined);
        background.push(fastReady.then(() => undefined));
        const conn = await connectWithRetry(natsOptions!, () => stopping, (err) => {
          startupProblem = `NATS not reachable: ${err.message}`;
          log.warn({ err: err.message }, 'NATS not reachable; retrying');
        });
        if (!conn) return;
        nc = conn;
        natsUp = true;
        void (async () => {
          for await (const st of conn.status()) {
            if (st.type === 'disconnect') natsUp = false;
            else if (st.type === 'reconnect') natsUp = true;
          }
        })().catch(() => undefined);
        void conn.closed().then(() => { natsUp = false; });
        const stream = streamName(fleet);
        while (!stopping) {
          try {
            await ensureFleetStream(conn, fleet, streamLimitsFrom(ctx.config));
            const ing = new FleetIngest(conn, p, {
              stream,
              batch: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.ingest.batch'),
              maxAckPending: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.ingest.max_ack_pending'),
              ackWaitSec: ctx.config.read(FLEET_SERVER_KEYS, 'fleet.ingest.ack_wait_sec'),
              configuredReplicas: ctx.config.read(FLEET_COMMON_KEYS, 'fleet.stream.replicas'),
              log,
              observeLag,
            });
            await ing.ensureConsumer();
            ingest = ing;
            break;
          } catch (err) {
            startupProblem = `fleet stream or consumer not ready: ${(err as Error).message}`;
            log.warn({ err: (err as Error).message }, 'fleet stream or consumer not ready; retrying');
            await sleep(1000);
          }
        }
        if (stopping || !ingest) return;
        const live = new FleetLiveFeed(conn, stream, fleet, log);
        feed = live;
        live.start();
        void fastReady.then((fc) => fc && live.addFastPath(fc, ctx.config.read(FLEET_SERVER_KEYS, 'fleet.fast_path.robot_rate')));
        ingest.start();
        startupProblem = undefined;
        log.info({ fleet, stream }, 'fleet ingest running');
      })());
    },
    async stop() {
      stopping = true;
      await feed?.stop();
      await ingest?.stop();
      await Promise.all(background);
      await fast?.stop();
      await fastConn?.close().catch(() => undefined);
      await nc?.close().catch(() => undefined);
      await pool?.end().catch(() => undefined);
    },
    summary() {
      return [['fleet', `fleet '${fleet}', stream ${streamName(fleet)}, consumer fleet-ingest${fastPathOn ? ', fast path on' : ''}`]];
    },
  };
}

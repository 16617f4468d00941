// Child process of bench/fleet/run.mjs: N simulated robots, each with the real robot-side code (its own
// SQLite outbox file, the outbox drain with the fast path unless BENCH_FAST_PATH=0, its own NATS connection, a robot
// gateway's settings), each enqueueing fault events at a fixed rate. The event's `time` is the report instant, so the fleet SSE reader can measure report → SSE lag.
// argv: first-robot-index count rate-per-robot seconds nats-urls(comma) fleet data-dir
// Prints `ready` when every robot is connected, then on finish one JSON line {produced: {robot: n}, drains: {counter: sum}}.
import { join } from 'node:path';
const { openDatabase, runMigrations } = await import('@medkit/kit');
const link = await import('@medkit/fleet-link');
const { Outbox, OUTBOX_MIGRATIONS, OutboxDrain, FLEET_LINK_KEYS } = link;
// A robot gateway's own settings (client options, publish deadline, backoff). Builds from before these were
// exported (for a before/after run) get the values those builds hardcoded.
const clientDefaults = link.NATS_CLIENT_DEFAULTS ?? { reconnect: true, maxReconnectAttempts: -1, ignoreAuthErrorAbort: true, reconnectTimeWait: 500, timeout: 5000, pingInterval: 5000, maxPingOut: 2 };
const backoff = link.ROBOT_DRAIN_BACKOFF ?? { minBackoffMs: 100, maxBackoffMs: 5000 };
const ackTimeoutMs = FLEET_LINK_KEYS['fleet.publish.ack_timeout_ms'].default;
const { connect } = await import('@nats-io/transport-node');
const { jetstream } = await import('@nats-io/jetstream');

const [first, count, rate, seconds, urls, fleet, dataDir] = process.argv.slice(2);
const robots = [];
/** Failed publishes by error, over all robots. */
const errors = {};
for (let i = Number(first); i < Number(first) + Number(count); i++) {
  const id = `sim-${String(i).padStart(3, '0')}`;
  const db = openDatabase(join(dataDir, id));
  runMigrations(db, OUTBOX_MIGRATIONS);
  const outbox = new Outbox(db, id, 100_000);
  const nc = await connect({ servers: urls.split(','), ...clientDefaults, name: id });
  // fastPath: every event also on core NATS (builds without the fast path ignore the option).
  const drain = new OutboxDrain(outbox, jetstream(nc, { timeout: ackTimeoutMs }), { fleet, robot: id, ackTimeoutMs, ...backoff, connection: nc, fastPath: process.env.BENCH_FAST_PATH === '0' ? undefined : nc, onError: (err) => { const k = `${err.name}: ${err.message.slice(0, 60)}`; errors[k] = (errors[k] ?? 0) + 1; if (process.env.BENCH_TRACE) process.stderr.write(`${Date.now() % 1e6} ${id} ${k}\n`); } });
  drain.start();
  robots.push({ id, db, outbox, nc, drain, produced: 0 });
}
process.stdout.write('ready\n');
const periodMs = 1000 / Number(rate);
const endAt = Date.now() + Number(seconds) * 1000;
// Robots start spread over one period so the load is even, not 200 events on one tick.
await new Promise((resolve) => {
  let done = 0;
  robots.forEach((r, k) => {
    setTimeout(() => {
      const t = setInterval(() => {
        if (Date.now() >= endAt) {
          clearInterval(t);
          if (++done === robots.length) resolve();
          return;
        }
        const now = new Date();
        const code = `BENCH_${r.produced % 50}`;
        r.outbox.enqueue('faults', {
          event_type: 'fault_updated', fault_code: code, severity: 2, status: 'CONFIRMED', description: 'bench', occurrence_count: r.produced + 1,
          reporting_sources: ['/bench/node'], first_occurred: now.toISOString(), last_occurred: now.toISOString(),
        }, now);
        r.produced++;
        r.drain.notify();
      }, periodMs);
    }, (k * periodMs) / robots.length);
  });
});
// Let the outboxes drain (bounded), then report.
const drainUntil = Date.now() + 120_000;
while (robots.some((r) => r.outbox.pending > 0) && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 200));
const produced = Object.fromEntries(robots.map((r) => [r.id, r.produced]));
const pending = robots.reduce((n, r) => n + r.outbox.pending, 0);
const rssMb = Math.round(process.memoryUsage().rss / 1e6);
// What the drains went through: failed publishes, and (newer builds) those resent after a dropped connection.
const drains = {};
for (const r of robots) for (const [k, v] of Object.entries(r.drain.stats())) if (typeof v === 'number') drains[k] = (drains[k] ?? 0) + v;
process.stdout.write(`${JSON.stringify({ produced, pending, rssMb, drains, errors })}\n`);
for (const r of robots) {
  await r.drain.stop();
  await r.nc.close();
  r.db.close();
}
process.exit(0);

// Fleet tier benchmark (issue 17): R simulated robots (real outbox + drain code, bench/fleet/robots.mjs)
// × E fault events/s for S seconds through a 3-node nats-server JetStream cluster into 2 `medkit fleet`
// replicas on one PostgreSQL. Measures ingest events/s, PostgreSQL rows/s, report → fleet SSE lag p50/p99
// (bench/fleet/sse-lag.mjs on the replica that survives), RSS of every process, and loss (rows per robot vs
// events produced). `--chaos` kills one NATS node at 1/3 of the run and SIGKILLs the other replica at 1/2;
// `--kill` picks the node: `leader` (default: the stream's leader, the worst case for publishing), `consumer` (the
// ingest consumer's leader), `follower` (a node leading neither), `nN`, or `none` (only the replica is killed).
// Build first (`npx tsc -b`), then:
//   node bench/fleet/run.mjs [--robots 200] [--rate 10] [--seconds 60] [--procs 2] [--chaos [--kill leader|consumer|follower|nN|none]]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsCluster } from '../../test-support/servers/nats.mjs';
import { startPostgres } from '../../test-support/servers/postgres.mjs';
import { freePort } from '../../test-support/servers/ports.mjs';

const { values: o } = parseArgs({ options: { robots: { type: 'string', default: '200' }, rate: { type: 'string', default: '10' }, seconds: { type: 'string', default: '60' }, procs: { type: 'string', default: '2' }, chaos: { type: 'boolean', default: false }, kill: { type: 'string', default: 'leader' } } });
const ROBOTS = Number(o.robots), RATE = Number(o.rate), SECONDS = Number(o.seconds), PROCS = Number(o.procs);
const FLEET = 'bench';
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const MEDKIT = here('../../packages/cli/bin/medkit.js');

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

function child(cmd, args, onLine) {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  return p;
}
const waitLine = (lines, pred, ms = 120_000) => new Promise((resolve, reject) => {
  const t = setInterval(() => {
    const l = lines.find(pred);
    if (l) { clearInterval(t); clearTimeout(d); resolve(l); }
  }, 50);
  const d = setTimeout(() => { clearInterval(t); reject(new Error('timeout waiting for a child')); }, ms);
});

async function retrying(fn, again) {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!again()) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * From the stream itself (JetStream's store time of each fault event): report → stored p50/p99/max, and the longest
 * time during the run in which the stream stored no event at all (an election after a leader died: nothing the
 * robots or the fleet do can shorten that part).
 */
async function streamTimes(urls, t0) {
  const nc = await connect({ servers: urls, timeout: 5000 });
  try {
    // The reader's consumer needs the stream's leader; right after a node's death it may take a few tries.
    let tries = 0;
    const c = await retrying(() => jetstream(nc, { timeout: 5000 }).consumers.get(`MEDKIT_${FLEET.toUpperCase()}`, { filter_subjects: `medkit.${FLEET}.*.faults`, deliver_policy: DeliverPolicy.All }), () => ++tries < 5);
    const msgs = await c.consume({ max_messages: 1000 });
    const lags = [];
    const stored = [];
    const until = Date.now() + 60_000;
    for await (const m of msgs) {
      const at = m.info.timestampNanos / 1e6;
      const t = Date.parse(JSON.parse(new TextDecoder().decode(m.data)).time);
      if (t >= t0) {
        lags.push(at - t);
        stored.push(at);
      }
      if (m.info.pending === 0 || Date.now() > until) break;
    }
    lags.sort((a, b) => a - b);
    stored.sort((a, b) => a - b);
    const q = (p) => (lags.length ? Math.round(lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]) : null);
    let gap = 0;
    for (let i = 1; i < stored.length; i++) gap = Math.max(gap, stored[i] - stored[i - 1]);
    return { count: lags.length, p50: q(0.5), p99: q(0.99), max: lags.length ? Math.round(lags.at(-1)) : null, longest_gap_storing_nothing_ms: Math.round(gap) };
  } finally {
    await nc.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'medkit-bench-fleet-'));
const load0 = loadavg();
const nats = await startNatsCluster(3);
const pgs = await startPostgres();
const db = new pg.Pool({ connectionString: pgs.url, max: 2 });
db.on('error', () => undefined);
const cleanup = [];
try {
  // Two replicas.
  const replicas = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const lines = [];
    const p = child(process.execPath, [MEDKIT, 'fleet', '--port', String(port), '--nats', nats.urls.join(','), '--database', pgs.url, '--fleet', FLEET, '--data-dir', join(work, `replica${i}`), '--no-ros', '--log-level', process.env.BENCH_REPLICA_LOG ?? 'error', '--set', 'fleet.stream.replicas=3', '--set', 'fleet.ingest.ack_wait_sec=5', '--set', 'sse.max_clients=10'], (l) => lines.push(l));
    cleanup.push(() => p.kill('SIGKILL'));
    await waitLine(lines, (l) => /listening/.test(l));
    replicas.push({ p, url: `http://127.0.0.1:${port}` });
  }
  // Wait for the stream and consumer (health says ingest running).
  for (let i = 0; i < 600; i++) {
    const h = await fetch(`${replicas[1].url}/api/v1/health`).then((r) => r.json()).catch(() => ({}));
    if (h['x-medkit-fleet']?.ingest) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const sseLines = [];
  const sse = child(process.execPath, [here('./sse-lag.mjs'), replicas[1].url], (l) => sseLines.push(l));
  cleanup.push(() => sse.kill('SIGKILL'));
  await waitLine(sseLines, (l) => l === 'ready');

  const per = Math.ceil(ROBOTS / PROCS);
  const sims = [];
  for (let k = 0; k < PROCS; k++) {
    const dir = join(work, `robots${k}`);
    mkdirSync(dir);
    const lines = [];
    const p = child(process.execPath, [here('./robots.mjs'), String(k * per), String(Math.min(per, ROBOTS - k * per)), String(RATE), String(SECONDS), nats.urls.join(','), FLEET, dir], (l) => lines.push(l));
    cleanup.push(() => p.kill('SIGKILL'));
    sims.push({ p, lines });
  }
  await Promise.all(sims.map((s) => waitLine(s.lines, (l) => l === 'ready')));
  const t0 = Date.now();
  const rows0 = Number((await db.query('SELECT count(*) AS n FROM fleet_events')).rows[0].n);
  const peak = { replicas: [0, 0], sims: sims.map(() => 0), nats: [0, 0, 0] };
  const sample = () => {
    replicas.forEach((r, i) => (peak.replicas[i] = Math.max(peak.replicas[i], rssMb(r.p.pid) ?? 0)));
    sims.forEach((s, i) => (peak.sims[i] = Math.max(peak.sims[i], rssMb(s.p.pid) ?? 0)));
    nats.nodes.forEach((n, i) => (peak.nats[i] = Math.max(peak.nats[i], n.proc ? rssMb(n.proc.pid) ?? 0 : 0)));
  };
  const sampler = setInterval(sample, 1000);
  const events = [];
  if (o.chaos && o.kill !== 'none') {
    setTimeout(async () => {
      // Which node led the stream and the ingest consumer: killing a leader costs an election, a follower does not.
      const leaders = await (async () => {
        const nc = await connect({ servers: nats.urls, timeout: 2000 });
        try {
          const jsm = await jetstreamManager(nc, { timeout: 2000 });
          const s = await jsm.streams.info(`MEDKIT_${FLEET.toUpperCase()}`);
          const c = await jsm.consumers.info(`MEDKIT_${FLEET.toUpperCase()}`, 'fleet-ingest');
          return { stream: s.cluster?.leader, consumer: c.cluster?.leader };
        } catch (err) {
          return { error: err.message };
        } finally {
          await nc.close();
        }
      })();
      // leader: the stream's leader; consumer: the ingest consumer's; follower: a node leading neither; nN: that node.
      const lead = new Set([leaders.stream, leaders.consumer]);
      const victim = o.kill === 'leader' && leaders.stream ? Number(leaders.stream.slice(1))
        : o.kill === 'consumer' && leaders.consumer ? Number(leaders.consumer.slice(1))
          : o.kill === 'follower' ? nats.nodes.findIndex((n) => !lead.has(n.name))
            : Number(o.kill.replace(/^n/, '')) || 2;
      events.push(`t=${((Date.now() - t0) / 1000).toFixed(0)}s NATS node n${victim} SIGKILLed (stream leader ${leaders.stream ?? '?'}, ingest consumer leader ${leaders.consumer ?? '?'}${leaders.error ? `: ${leaders.error}` : ''})`);
      const killedAt = Date.now();
      await nats.kill(victim);
      // When JetStream had a leader again for the stream and for the ingest consumer: the election's share of the lag.
      const nc = await connect({ servers: nats.urls.filter((_, i) => i !== victim), timeout: 2000 });
      try {
        const jsm = await jetstreamManager(nc, { timeout: 1000, checkAPI: false });
        const name = `MEDKIT_${FLEET.toUpperCase()}`;
        const seen = {};
        while (Date.now() - killedAt < 30_000 && !(seen.stream && seen.consumer)) {
          const [s, c] = await Promise.all([jsm.streams.info(name).catch(() => undefined), jsm.consumers.info(name, 'fleet-ingest').catch(() => undefined)]);
          if (!seen.stream && s?.cluster?.leader && s.cluster.leader !== `n${victim}`) seen.stream = Date.now() - killedAt;
          if (!seen.consumer && c?.cluster?.leader && c.cluster.leader !== `n${victim}`) seen.consumer = Date.now() - killedAt;
          await new Promise((r) => setTimeout(r, 200));
        }
        events.push(`leaders after the kill: stream ${seen.stream ?? '>30000'} ms, ingest consumer ${seen.consumer ?? '>30000'} ms`);
      } finally {
        await nc.close();
      }
    }, (SECONDS * 1000) / 3);
  }
  if (o.chaos) setTimeout(() => { events.push(`t=${((Date.now() - t0) / 1000).toFixed(0)}s replica 0 SIGKILLed`); replicas[0].p.kill('SIGKILL'); }, (SECONDS * 1000) / 2);
  const loads = [];
  const loadTimer = setInterval(() => loads.push(loadavg()[0]), 5000);
  const results = await Promise.all(sims.map((s) => waitLine(s.lines, (l) => l.startsWith('{'), (SECONDS + 200) * 1000).then(JSON.parse)));
  const produced = Object.assign({}, ...results.map((r) => r.produced));
  const drains = {};
  const publishErrors = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.drains ?? {})) drains[k] = (drains[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.errors ?? {})) publishErrors[k] = (publishErrors[k] ?? 0) + v;
  }
  const total = Object.values(produced).reduce((a, b) => a + b, 0);
  const tProduced = Date.now();
  // Wait until PostgreSQL holds every event, each with its JetStream copy ingested (the fast path may write first; bounded).
  let stored = 0;
  for (let i = 0; i < 1200; i++) {
    const r = (await db.query(`SELECT count(*) AS n, count(*) FILTER (WHERE stored_at IS NULL) AS fast_only FROM fleet_events WHERE kind = 'faults'`)).rows[0];
    stored = Number(r.n);
    if (stored >= total && Number(r.fast_only) === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tStored = Date.now();
  clearInterval(sampler);
  clearInterval(loadTimer);
  sample();
  sse.kill('SIGTERM');
  const lag = JSON.parse(await waitLine(sseLines, (l) => l.startsWith('{')));
  const perRobot = (await db.query(`SELECT robot_id, count(*)::int AS n, count(DISTINCT seq)::int AS d FROM fleet_events WHERE kind = 'faults' GROUP BY robot_id`)).rows;
  const lost = Object.entries(produced).reduce((n, [id, p]) => n + Math.max(0, p - (perRobot.find((r) => r.robot_id === id)?.n ?? 0)), 0);
  const dupes = perRobot.reduce((n, r) => n + (r.n - r.d), 0);
  const rows = Number((await db.query('SELECT count(*) AS n FROM fleet_events')).rows[0].n) - rows0;
  const secs = (tStored - t0) / 1000;
  const health = await fetch(`${replicas[1].url}/api/v1/health`).then((r) => r.json()).catch(() => ({}));
  const stream = await streamTimes(nats.urls, t0).catch((err) => ({ error: err.message }));
  // Robot report → visible on GET /faults: the event's robot time to its row's ingest time (the writing
  // transaction's start, a few ms before its commit; robots and PostgreSQL share this machine's clock).
  // Where the delay sits in time: per second of the run (by report time), the slowest event and how many took over 1 s.
  const timeline = (await db.query(`SELECT floor(extract(epoch FROM robot_time - $1::timestamptz))::int AS s, count(*)::int AS n,
      round(extract(epoch FROM max(ingested_at - robot_time)) * 1000)::int AS max_ms,
      count(*) FILTER (WHERE ingested_at - robot_time > interval '1 second')::int AS over_1s
    FROM fleet_events WHERE kind = 'faults' AND robot_time >= $1 GROUP BY 1 ORDER BY 1`, [new Date(t0)])).rows;
  // visible_before_stored: events the fleet wrote before JetStream stored them (the fast path was first);
  // without_stream_copy: events whose JetStream copy never reached the fleet (should be 0: JetStream is the durable path).
  const vis = (await db.query(`SELECT count(*)::int AS n,
      percentile_disc(0.5) WITHIN GROUP (ORDER BY ingested_at - robot_time) AS p50,
      percentile_disc(0.99) WITHIN GROUP (ORDER BY ingested_at - robot_time) AS p99,
      max(ingested_at - robot_time) AS max,
      count(*) FILTER (WHERE ingested_at - robot_time > interval '1 second')::int AS over_1s,
      count(*) FILTER (WHERE ingested_at < stored_at)::int AS visible_before_stored,
      count(*) FILTER (WHERE stored_at IS NULL)::int AS without_stream_copy
    FROM fleet_events WHERE kind = 'faults' AND robot_time >= $1`, [new Date(t0)])).rows[0];
  const ms = (iv) => (iv ? Math.round(((iv.hours ?? 0) * 3600 + (iv.minutes ?? 0) * 60 + (iv.seconds ?? 0)) * 1000 + (iv.milliseconds ?? 0)) : null);
  console.log(JSON.stringify({
    robots: ROBOTS, rate: RATE, seconds: SECONDS, chaos: o.chaos, events,
    produced: total, stored_fault_events: stored, lost, duplicates: dupes, robot_drains: drains, publish_errors: publishErrors,
    ingest_events_per_s: Math.round(stored / secs), pg_rows_per_s: Math.round(rows / secs),
    drain_after_end_s: ((tStored - tProduced) / 1000).toFixed(1),
    visible_on_faults_ms: { count: vis.n, p50: ms(vis.p50), p99: ms(vis.p99), max: ms(vis.max), over_1s: vis.over_1s, visible_before_stored: vis.visible_before_stored, without_stream_copy: vis.without_stream_copy },
    sse_lag_ms: lag,
    report_to_stream_ms: stream,
    visible_timeline: timeline.filter((r) => r.over_1s > 0).map((r) => `t=${r.s}s n=${r.n} max=${r.max_ms}ms over_1s=${r.over_1s}`), rss_mb: { replicas: peak.replicas, robot_procs: peak.sims, nats: peak.nats },
    surviving_replica_ingest: health['x-medkit-fleet']?.ingest,
    surviving_replica_fast_path: health['x-medkit-fleet']?.fast_path,
    surviving_replica_status: health.status,
    load_avg_1m: { before: load0[0].toFixed(1), during_min: Math.min(...loads).toFixed(1), during_max: Math.max(...loads).toFixed(1) },
  }, null, 2));
} finally {
  for (const c of cleanup) c();
  await db.end();
  await nats.stop();
  pgs.stop();
  rmSync(work, { recursive: true, force: true });
}

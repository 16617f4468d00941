// The fleet replica's metrics on the gateway core's /metrics (METRICS_SERVICE): events ingested (a counter, so
// rate() is the ingest rate), duplicates, JetStream copies of fast-path events, redeliveries, ingest lag (JetStream
// stored → PostgreSQL commit), the fast path's events by outcome and robots online/offline. Counters are this
// replica's; sum them over replicas for the fleet.
import type { Pool } from 'pg';
import type { MetricsService } from '@medkit/server';
import type { FleetIngest, IngestStats } from './ingest.js';
import type { FastPathIngest } from './fast-path.js';
import { robotCounts } from './queries.js';

interface FleetMetricSources {
  ingest(): FleetIngest | undefined;
  fastPath(): FastPathIngest | undefined;
  pool(): Pool;
}

/** Seconds: a healthy tier commits within a batch's time; a stalled one waits ack_wait (tens of seconds) or more. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Registers the fleet metrics; returns the lag observer the ingest calls per written message. */
export function registerFleetMetrics(m: MetricsService, src: FleetMetricSources): (seconds: number) => void {
  const reg = [m.registry];
  const fromStats = (name: string, help: string, field: keyof IngestStats) =>
    new m.client.Counter({
      name,
      help,
      registers: reg,
      collect() {
        const st = src.ingest()?.stats();
        if (!st) return;
        this.reset();
        this.inc(Number(st[field]));
      },
    });
  fromStats('medkit_fleet_ingested_events_total', 'Events this replica wrote to PostgreSQL for the first time.', 'ingested');
  fromStats('medkit_fleet_duplicate_events_total', 'Events this replica received that were already stored (redelivered or published twice).', 'duplicates');
  fromStats('medkit_fleet_redeliveries_total', 'Messages this replica received that JetStream had delivered before.', 'redelivered');
  fromStats('medkit_fleet_confirmed_events_total', 'JetStream copies of events the fast path had stored first (their stream sequence recorded).', 'confirmed');
  new m.client.Counter({
    name: 'medkit_fleet_fast_path_events_total',
    help: 'Fast-path messages this replica received, by outcome: ingested (stored first), duplicate (already stored), rejected, dropped_<reason> (too_large, rate_limited, queue_full, database; JetStream brings them).',
    labelNames: ['outcome'],
    registers: reg,
    collect() {
      const st = src.fastPath()?.stats();
      if (!st) return;
      this.reset();
      this.inc({ outcome: 'ingested' }, st.ingested);
      this.inc({ outcome: 'duplicate' }, st.duplicates);
      this.inc({ outcome: 'rejected' }, st.rejected);
      for (const [reason, n] of Object.entries(st.dropped)) this.inc({ outcome: `dropped_${reason}` }, n);
    },
  });
  const lag = new m.client.Histogram({ name: 'medkit_fleet_ingest_lag_seconds', help: 'Time from JetStream storing an event to this replica committing it to PostgreSQL.', buckets: LAG_BUCKETS, registers: reg });
  new m.client.Gauge({
    name: 'medkit_fleet_pending_events',
    help: 'Events in the stream the shared ingest consumer has not delivered yet (backlog), as of its last check.',
    registers: reg,
    collect() {
      const st = src.ingest()?.stats();
      if (st) this.set(st.pending);
    },
  });
  new m.client.Gauge({
    name: 'medkit_fleet_robots',
    help: 'Robots the fleet knows, by state: online while their heartbeats arrive, offline after 3 missed intervals, unknown when they were online as the fleet stopped hearing robots through JetStream (quorum loss) and have not been heard since.',
    labelNames: ['state'],
    registers: reg,
    // Read at scrape time (the pool's statement deadline bounds it); no series while the database is away.
    async collect() {
      this.reset();
      // The same rule as /health: while JetStream cannot bring robots' events, the ones not heard since are unknown.
      const unheardSince = src.ingest()?.unheardSince();
      const counts = await robotCounts(src.pool(), unheardSince === undefined ? undefined : new Date(unheardSince)).catch(() => undefined);
      if (!counts) return;
      this.set({ state: 'online' }, counts.online);
      this.set({ state: 'offline' }, counts.offline);
      this.set({ state: 'unknown' }, counts.unknown);
    },
  });
  return (seconds) => lag.observe(seconds);
}

// Fault metrics: stored faults by status and severity (a gauge read from the fault store at scrape time, and
// recounted only when the store changed) and fault reports handled (a counter, so rate() gives reports/s).
import type { FaultsService } from '../faults/gateway/service.js';
import { FAULT_STATUSES, severityLabel, Severity } from '@medkit/faults';
import type { MetricsService } from '@medkit/server';

const SEVERITIES = Object.values(Severity).map(severityLabel);

export function registerFaultMetrics(m: MetricsService, faults: FaultsService): void {
  let counted = -1;
  let counts = new Map<string, number>();
  const recount = () => {
    const changes = faults.system.changes();
    if (changes === counted) return counts;
    const next = new Map<string, number>();
    // A store still loading (PostgreSQL) has nothing to count yet; medkit_fault_store_up says why.
    if (faults.system.store.blocksReads()) return counts;
    for (const c of faults.manager.repository.statusSeverityCounts()) {
      const key = `${c.status}\u0000${severityLabel(c.severity)}`;
      next.set(key, (next.get(key) ?? 0) + c.count);
    }
    counted = changes;
    counts = next;
    return counts;
  };
  new m.client.Gauge({
    name: 'medkit_faults',
    help: 'Faults in the fault store, by status and severity.',
    labelNames: ['status', 'severity'],
    registers: [m.registry],
    collect() {
      const now = recount();
      // Every status × severity is exported, 0 included, so a series does not vanish when its last fault heals.
      for (const status of FAULT_STATUSES) for (const severity of SEVERITIES) this.set({ status, severity }, now.get(`${status}\u0000${severity}`) ?? 0);
    },
  });
  new m.client.Counter({
    name: 'medkit_fault_reports_total',
    help: 'Fault reports (ReportFault over ROS, plugins, the reporter) handled since start-up, by result (accepted, rejected, store_unavailable).',
    labelNames: ['result'],
    registers: [m.registry],
    collect() {
      const c = faults.manager.reportCounts();
      this.reset();
      this.inc({ result: 'accepted' }, c.accepted);
      // Disjoint results: a report the store could not take is counted as store_unavailable only.
      this.inc({ result: 'rejected' }, c.rejected - c.store_unavailable);
      this.inc({ result: 'store_unavailable' }, c.store_unavailable);
    },
  });
  registerFaultStoreMetrics(m, faults);
}

/** The fault store's state (docs/faults.md "Storage outages"): up, pending writes, failed writes. */
function registerFaultStoreMetrics(m: MetricsService, faults: FaultsService): void {
  const store = () => faults.system.store.report();
  new m.client.Gauge({
    name: 'medkit_fault_store_up',
    help: 'Whether the fault store takes writes (1) or is connecting or unavailable (0), by backend.',
    labelNames: ['backend'],
    registers: [m.registry],
    collect() {
      const r = store();
      this.reset();
      this.set({ backend: r.backend }, r.state === 'ok' ? 1 : 0);
    },
  });
  new m.client.Gauge({
    name: 'medkit_fault_store_connected',
    help: 'Whether the fault store reaches its medium: the SQLite file at its path, the PostgreSQL server.',
    registers: [m.registry],
    collect() {
      this.set(store().connected ? 1 : 0);
    },
  });
  new m.client.Gauge({
    name: 'medkit_fault_store_pending_writes',
    help: 'Fault store writes accepted and not yet durable (PostgreSQL write-behind; 0 for SQLite and memory).',
    registers: [m.registry],
    collect() {
      this.set(store().pending_writes);
    },
  });
  new m.client.Counter({
    name: 'medkit_fault_store_failed_writes_total',
    help: 'Fault store writes that failed or were refused during an outage since start-up.',
    registers: [m.registry],
    collect() {
      this.reset();
      this.inc(store().failed_writes);
    },
  });
  new m.client.Gauge({
    name: 'medkit_fault_store_last_error_timestamp_seconds',
    help: 'When the fault store last failed (Unix seconds; 0 = never); the message is in /health x-medkit-faults.store.last_error.',
    registers: [m.registry],
    collect() {
      const at = store().last_error_at;
      this.set(at ? Date.parse(at) / 1000 : 0);
    },
  });
}

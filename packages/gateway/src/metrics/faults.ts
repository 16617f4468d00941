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
  registerBlackBoxMetrics(m, faults);
}

/** The black box's memory and losses (docs/faults.md "Heavy topics"), when it is enabled. */
function registerBlackBoxMetrics(m: MetricsService, faults: FaultsService): void {
  const recorder = faults.system.blackbox;
  if (!recorder) return;
  new m.client.Gauge({
    name: 'medkit_blackbox_held_bytes',
    help: 'Bytes of messages the black box holds, by where: the pre-fault buffer (buffer) or waiting for the disk (write_queue); together at most max_buffer_mb + max_write_queue_mb.',
    labelNames: ['where'],
    registers: [m.registry],
    collect() {
      const s = recorder.stats();
      this.set({ where: 'buffer' }, s.buffered_bytes);
      this.set({ where: 'write_queue' }, s.queued_bytes);
    },
  });
  new m.client.Counter({
    name: 'medkit_blackbox_messages_total',
    help: 'Messages of the black box since start-up, by outcome: written into a recording, dropped (a post-fault message that did not fit the write queue: lost to its recording), evicted (pruned from the pre-fault buffer by age or size, by design), lost_in_transport (published but never received: the publisher, KEEP_LAST, no longer had it when asked again).',
    labelNames: ['outcome'],
    registers: [m.registry],
    collect() {
      const s = recorder.stats();
      this.reset();
      this.inc({ outcome: 'written' }, s.written_messages);
      this.inc({ outcome: 'dropped' }, s.dropped_messages);
      this.inc({ outcome: 'evicted' }, s.evicted_messages);
      this.inc({ outcome: 'lost_in_transport' }, s.lost_in_transport_messages);
    },
  });
  new m.client.Counter({
    name: 'medkit_blackbox_recordings_total',
    help: 'Black-box recordings since start-up and the faults they took (docs/faults.md "One recording per incident"), by outcome: written, failed (a write failed), capped (kept open max_incident_sec and closed), joined_fault (a fault joined an open recording), unlinked_fault (a fault in a recording that already linked 32 others).',
    labelNames: ['outcome'],
    registers: [m.registry],
    collect() {
      const s = recorder.stats();
      this.reset();
      this.inc({ outcome: 'written' }, s.recordings);
      this.inc({ outcome: 'failed' }, s.failed_recordings);
      this.inc({ outcome: 'capped' }, s.capped_recordings);
      this.inc({ outcome: 'joined_fault' }, s.joined_faults);
      this.inc({ outcome: 'unlinked_fault' }, s.unlinked_faults);
    },
  });
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

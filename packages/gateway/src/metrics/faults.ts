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
    help: 'Fault reports (ReportFault over ROS, plugins, the reporter) handled since start-up, by result.',
    labelNames: ['result'],
    registers: [m.registry],
    collect() {
      const c = faults.manager.reportCounts();
      this.reset();
      this.inc({ result: 'accepted' }, c.accepted);
      this.inc({ result: 'rejected' }, c.rejected);
    },
  });
}

// Reporter client library (docs/faults.md): local filter, bypass, PASSED history, dropping when unavailable.
import { describe, expect, it } from 'vitest';
import { FaultReporter, ReporterCache, sanitizeLocalFilter } from '../src/reporter/fault-reporter.js';
import type { FaultTransport } from '../src/reporter/fault-reporter.js';
import type { ReportFaultRequest } from '@medkit/sovd';
import { MemoryLogger } from '../src/log.js';

function transport(ready = true) {
  const sent: ReportFaultRequest[] = [];
  const t: FaultTransport & { sent: ReportFaultRequest[]; ready: boolean } = {
    sent, ready, isReady() { return this.ready; }, async send(req) { sent.push(req); return { accepted: true }; },
  };
  return t;
}

describe('FaultReporter', () => {
  it('forwards below-ERROR reports only from the 3rd within 10 s, then every further one', () => {
    let t = 0;
    const tr = transport();
    const r = new FaultReporter(tr, '/node', { now: () => t });
    const fw: boolean[] = [];
    for (const at of [0, 1000, 2000, 3000, 15_000]) { t = at; fw.push(r.report('W', 1, 'warn')); }
    expect(fw).toEqual([false, false, true, true, false]);
    expect(tr.sent[0]).toEqual({ fault_code: 'W', event_type: 0, severity: 1, description: 'warn', source_id: '/node' });
  });

  it('bypasses the filter at bypass_severity and when disabled', () => {
    const tr = transport();
    expect(new FaultReporter(tr, '/n').report('E', 2)).toBe(true);
    expect(new FaultReporter(tr, '/n', { filter: { enabled: false } }).report('I', 0)).toBe(true);
  });

  it('filters PASSED with its own history and no bypass', () => {
    const tr = transport();
    const r = new FaultReporter(tr, '/n', { now: () => 0 });
    r.report('E', 3);
    expect([r.reportPassed('E'), r.reportPassed('E'), r.reportPassed('E')]).toEqual([false, false, true]);
    expect(tr.sent.at(-1)).toMatchObject({ event_type: 1, severity: 0, description: '' });
  });

  it('drops reports while the service is unavailable (warning for important ones), and empty codes', () => {
    const log = new MemoryLogger();
    const tr = transport(false);
    const r = new FaultReporter(tr, '', { log });
    expect(log.at('warn')[0]).toContain('empty source id');
    expect(r.report('E', 2)).toBe(false);
    expect(r.report('', 2)).toBe(false);
    expect(tr.sent).toEqual([]);
    expect(log.at('warn')).toHaveLength(3);
  });

  it('sanitises filter parameters', () => {
    expect(sanitizeLocalFilter({ default_threshold: 0, default_window_sec: -1 })).toMatchObject({ default_threshold: 1, default_window_sec: 1 });
  });

  it('caches one reporter per source, evicting the least recently used', () => {
    const tr = transport();
    const made: string[] = [];
    const cache = new ReporterCache(2, (s) => { made.push(s); return new FaultReporter(tr, s); });
    cache.get('/a'); cache.get('/b'); cache.get('/a'); cache.get('/c'); cache.get('/a'); cache.get('/b');
    expect(made).toEqual(['/a', '/b', '/c', '/b']);
    expect(cache.size).toBe(2);
  });
});

// otlp_export's outbox (docs/logs-export.md, "Fault events kept on disk"): with the collector down, fault events
// wait in the plugin's SQLite file (bounded: past outbox.max_records the oldest go, counted), by default in the
// plugin's own directory under the gateway's data_dir, survive a restart of the gateway, and are delivered in the order they happened once the collector is back; /x-medkit-otlp and /health
// say what is waiting. The store's byte bound is checked on its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '@medkit/gateway';
import { OutboxStore } from '../src/outbox.js';
import { gatewayWith, healthWarnings, otlpStatus, Receiver, runCleanup, until, untilAsync } from './otlp-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-otlp-outbox-'));
afterEach(runCleanup);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otlp_export outbox', () => {
  it('keeps fault events on disk (the default file in the data dir) while the collector is down, across a gateway restart, and delivers them in order', async () => {
    const dataDir = join(dir, 'gateway-data');
    const rx = new Receiver();
    await rx.start();
    const port = rx.port;
    await rx.stop(); // the collector is down: connections to its port are refused
    const config = {
      url: `http://127.0.0.1:${port}/v1/logs`,
      'outbox.enabled': true,
      'outbox.max_records': 3,
      'batch.delay_ms': 20,
      'export.timeout_ms': 1000,
    };
    // The same data_dir for both runs, as a restarted gateway has; no outbox.file: the plugin's data dir holds it.
    const first = await gatewayWith(config, {}, dataDir);
    const faults = first.gateway.ctx.services.get(FAULTS_SERVICE);
    // Five CRITICAL faults, each confirmed at once (docs/faults.md): five events, the outbox holds the last three.
    for (let i = 1; i <= 5; i++) expect(faults.report({ fault_code: `MOTOR_${i}`, event_type: 0, severity: 3, description: `motor ${i} stalled`, source_id: '/demo/drive' }).accepted).toBe(true);
    const waiting = await untilAsync(async () => {
      const o = (await otlpStatus(first)).outbox?.endpoints[0];
      return o && o.failing && o.pending_records === 3 ? o : undefined;
    }, 15_000, 'the events kept and the collector found down');
    expect(waiting).toMatchObject({ delivered_records: 0, dropped_oldest: 2 });
    expect((await otlpStatus(first)).outbox?.file).toBe(join(dataDir, 'plugins', 'otlp_export', 'otlp-outbox.db'));
    expect(existsSync(join(dataDir, 'plugins', 'otlp_export', 'otlp-outbox.db'))).toBe(true);
    const codes = (await healthWarnings(first)).map((w) => w.code);
    expect(codes).toContain('otlp_export.outbox_pending');
    expect(codes).toContain('otlp_export.outbox_dropped');
    // Not through the in-memory queue: nothing of it is counted dropped there.
    expect((await otlpStatus(first)).endpoints[0]).toMatchObject({ queued_records: 0, sent_records: 0, dropped_records: {} });
    await first.close();

    // The gateway restarts with the collector back: what the file kept goes out first, oldest first.
    await rx.start(port);
    const second = await gatewayWith(config, {}, dataDir);
    await until('the kept events delivered', () => rx.records.length >= 3, 15_000);
    const after = await untilAsync(async () => {
      const o = (await otlpStatus(second)).outbox?.endpoints[0];
      return o && o.pending_records === 0 && !o.failing ? o : undefined;
    }, 15_000, 'the outbox empty');
    expect(after).toMatchObject({ delivered_records: 3, pending_bytes: 0 });
    expect(rx.records.map((r) => [r.eventName, r.attributes['medkit.fault.code']])).toEqual([
      ['medkit.fault.confirmed', 'MOTOR_3'],
      ['medkit.fault.confirmed', 'MOTOR_4'],
      ['medkit.fault.confirmed', 'MOTOR_5'],
    ]);
    expect(rx.records[0]).toMatchObject({ severityNumber: 21, body: 'fault MOTOR_3 confirmed: motor 3 stalled' });
    expect(rx.records[0].resource['service.name']).toBe('medkit');

    // A new event now goes straight through the file to the collector, after the kept ones.
    expect(second.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: 'MOTOR_6', event_type: 0, severity: 3, description: 'motor 6 stalled', source_id: '/demo/drive' }).accepted).toBe(true);
    await until('the new event delivered', () => rx.records.length === 4, 15_000);
    expect(rx.records[3].attributes['medkit.fault.code']).toBe('MOTOR_6');
    expect((await healthWarnings(second)).map((w) => w.code).filter((c) => c.startsWith('otlp_export.outbox'))).toEqual([]);
    await second.close();
    await rx.stop();
  });

  it('drops the oldest rows past max_bytes, per endpoint, and counts them', async () => {
    const { store } = await OutboxStore.open(join(dir, 'bytes.db'), ['http://a/v1/logs', 'http://b/v1/logs'], 1000, 1024);
    try {
      const payload = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(300) });
      for (let i = 0; i < 5; i++) store.add(payload(i));
      for (const e of ['http://a/v1/logs', 'http://b/v1/logs']) {
        const c = store.counts(e);
        expect(c.bytes).toBeLessThanOrEqual(1024);
        expect(c.rows + c.dropped).toBe(5);
        expect(c.dropped).toBeGreaterThan(0);
        // The newest are the ones kept, in order.
        expect(store.peek(e, 10).map((r) => (JSON.parse(r.payload) as { i: number }).i)).toEqual(Array.from({ length: c.rows }, (_, k) => 5 - c.rows + k));
      }
      const head = store.peek('http://a/v1/logs', 1)[0];
      expect(store.ack('http://a/v1/logs', head.seq)).toBe(1);
      expect(store.counts('http://b/v1/logs').rows, 'an acknowledgement is per endpoint').toBe(store.counts('http://a/v1/logs').rows + 1);
    } finally {
      store.close();
    }
  });
});

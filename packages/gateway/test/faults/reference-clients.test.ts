// Fault lists and the fault stream read the way the reference's Foxglove extension reads them (issue 24
// point 1): `item.status` (list items) and `event.fault.status` (stream) are strings it lower-cases and
// switches on; the SOVD status object stays available under `x-medkit.sovd_status` and on the detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseClient } from '../triggers/sse-client.js';
import { startFaultGateway, type FaultGateway } from './gateway-harness.js';

const BATTERY = '/base/battery_monitor';

/** The extension's mapping from a list item to a badge: it calls string methods on `status`. */
function badge(item: { fault_code: string; status: unknown }): string {
  const s = (item.status as string).toLowerCase();
  return `${item.fault_code}:${s === 'confirmed' ? 'red' : s === 'prefailed' ? 'amber' : s === 'healed' || s === 'cleared' ? 'grey' : 'other'}`;
}

describe('fault lists and stream for the reference clients', () => {
  let g: FaultGateway;
  let stream: SseClient | undefined;
  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'faults.confirmation_threshold': -2 } });
  });
  afterAll(async () => {
    stream?.close();
    await g?.close();
  });

  it('serves status as the raw string on global and entity-scoped list items', async () => {
    g.fail('REF_PENDING', BATTERY, 1, 'pending one');
    g.fail('REF_CONFIRMED', BATTERY, 3, 'critical one');
    for (const path of ['/faults', '/apps/battery-monitor/faults', '/components/battery-pack/faults', '/areas/base/faults', '/functions/power-management/faults']) {
      const { status, body } = await g.api('GET', path);
      expect(status, path).toBe(200);
      expect(body.items.map(badge).sort(), path).toEqual(['REF_CONFIRMED:red', 'REF_PENDING:amber']);
      const confirmed = body.items.find((i: { fault_code: string }) => i.fault_code === 'REF_CONFIRMED');
      expect(confirmed.status).toBe('CONFIRMED');
      expect(confirmed['x-medkit']).toEqual({ status: 'CONFIRMED', sovd_status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' } });
    }
  });

  it('keeps the SOVD status object on the detail', async () => {
    for (const path of ['/faults/REF_PENDING', '/apps/battery-monitor/faults/REF_PENDING']) {
      const { status, body } = await g.api('GET', path);
      expect(status, path).toBe(200);
      expect(body.item.status).toEqual({ aggregatedStatus: 'passive', testFailed: '1', confirmedDTC: '0', pendingDTC: '1' });
      expect(body['x-medkit'].status_raw).toBe('PREFAILED');
    }
  });

  it('serves fault.status as a string on every stream event, the cleared one included', async () => {
    stream = await openSse(`${g.url}/api/v1/faults/stream`);
    expect(stream.status).toBe(200);
    g.fail('REF_STREAM', BATTERY, 3);
    g.fail('REF_STREAM', BATTERY, 3);
    g.faults.manager.clear('REF_STREAM');
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const msg = await stream.next();
      const event = JSON.parse(msg.data) as { event_type: string; fault: { fault_code: string; status: unknown; 'x-medkit': { sovd_status: unknown } } };
      expect(typeof event.fault.status).toBe('string');
      expect(event.fault['x-medkit'].sovd_status).toBeTypeOf('object');
      seen.push(`${event.event_type}/${badge(event.fault)}`);
    }
    expect(seen).toEqual(['fault_confirmed/REF_STREAM:red', 'fault_updated/REF_STREAM:red', 'fault_cleared/REF_STREAM:grey']);
  });
});

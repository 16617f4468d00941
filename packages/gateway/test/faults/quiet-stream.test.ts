// A steady fault is quiet on GET /faults/stream (docs/faults.md "Events", D4; issue 67), over real HTTP: re-reports
// of a confirmed fault with nothing new send no event, while an acknowledgement, a status change and a new occurrence
// do, and the reads still show the newest last_occurred. "No event" is shown without waiting: a marker fault reported
// after the re-reports must be the very next event, with the next id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const GRAPH = '/base/battery_monitor';
const MOTOR = '/base/motor_driver';

describe('steady faults on the fault stream', () => {
  let g: FaultGateway;
  let sse: SseClient | undefined;
  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'faults.healing_enabled': true, 'faults.healing_threshold': 1 } });
  });
  afterAll(async () => {
    sse?.close();
    await g?.close();
  });

  const next = async () => {
    const m = await sse!.next();
    const data = JSON.parse(m.data) as { event_type: string; fault: { fault_code: string; last_occurred: number; occurrence_count: number; status: string } };
    return { id: Number(m.id), event: m.event, code: data.fault.fault_code, fault: data.fault };
  };
  const steady = (n: number) => {
    for (let i = 0; i < n; i++) g.fail('STEADY_ORPHAN', GRAPH, 1, 'orphan topic /scan_raw');
  };

  it('sends nothing for steady re-reports, and the acknowledgement, the heal and the new occurrence each as an event', async () => {
    sse = await openSse(`${g.url}/api/v1/faults/stream`);
    expect(sse.status).toBe(200);
    steady(1);
    const confirmed = await next();
    expect(confirmed).toMatchObject({ event: 'fault_confirmed', code: 'STEADY_ORPHAN' });

    steady(20);
    g.fail('MARKER_A', MOTOR, 2);
    expect(await next()).toMatchObject({ id: confirmed.id + 1, event: 'fault_confirmed', code: 'MARKER_A' });
    // The reads come from the store: the re-reports moved last_occurred there.
    const read = (await g.api('GET', '/faults/STEADY_ORPHAN')).body.item;
    expect(read.last_occurred).toBeGreaterThan(confirmed.fault.last_occurred);
    expect(read.occurrence_count).toBe(1);

    const ack = await g.api('PUT', '/faults/STEADY_ORPHAN/acknowledgement', { headers: { 'x-client-id': 'alice' }, body: { note: 'known' } });
    expect(ack.status).toBe(200);
    expect(await next()).toMatchObject({ id: confirmed.id + 2, event: 'fault_updated', code: 'STEADY_ORPHAN' });

    steady(5);
    g.pass('STEADY_ORPHAN', GRAPH); // still confirmed (the counter moved): nothing new
    g.pass('STEADY_ORPHAN', GRAPH); // healed
    expect(await next()).toMatchObject({ id: confirmed.id + 3, event: 'fault_cleared', code: 'STEADY_ORPHAN', fault: { status: 'HEALED' } });

    steady(2); // from the healed +1: the second FAILED confirms again, a new occurrence
    expect(await next()).toMatchObject({ id: confirmed.id + 4, event: 'fault_confirmed', code: 'STEADY_ORPHAN', fault: { occurrence_count: 2 } });

    steady(10);
    g.fail('MARKER_B', MOTOR, 2);
    expect(await next()).toMatchObject({ id: confirmed.id + 5, event: 'fault_confirmed', code: 'MARKER_B' });
  });

  it('sends an event for a steady fault whose report brings something new', async () => {
    g.fail('STEADY_ORPHAN', GRAPH, 2, 'orphan topic /scan_raw'); // severity rises
    expect(await next()).toMatchObject({ event: 'fault_updated', code: 'STEADY_ORPHAN', fault: { status: 'CONFIRMED' } });
    g.fail('STEADY_ORPHAN', GRAPH, 2, 'orphan topics /scan_raw, /odom_raw');
    expect(await next()).toMatchObject({ event: 'fault_updated', code: 'STEADY_ORPHAN' });
  });
});

// Faults as the reference's clients read them (issue 24). Point 1, the Foxglove extension: `item.status` (list
// items) and `event.fault.status` (stream) are strings it lower-cases and switches on; the SOVD status object
// stays available under `x-medkit.sovd_status` and on the detail. Point 3, the Postman collection's
// `GET …/faults/{code}/snapshots` (global and entity-scoped, `?topic=`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { FixedSampler, startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

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
    g.fail('REF_STREAM', BATTERY, 3, 'worse'); // news, so a fault_updated (docs/faults.md D4)
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

describe("the reference's Postman routes: fault snapshots", () => {
  let g: FaultGateway;
  beforeAll(async () => {
    const sampler = new FixedSampler({
      '/base/battery_state': { type: 'sensor_msgs/msg/BatteryState', value: { voltage: 21.7, percentage: 0.14 } },
      '/base/odom': { type: 'std_msgs/msg/Float64', value: { data: 1.5 } },
    });
    g = await startFaultGateway({
      flags: { 'faults.snapshots.default_topics': ['/base/battery_state', '/base/odom'], 'faults.snapshots.history_window_sec': 0 },
      feature: { sampler },
    });
    g.fail('SNAP_BATTERY', BATTERY, 3, 'battery dead');
    g.fail('SNAP_OTHER', '/base/motor_driver', 3, 'motor');
    await until(async () => (Object.keys((await g.api('GET', '/faults/SNAP_BATTERY/snapshots')).body?.topics ?? {}).length === 2 ? true : undefined), 'the freeze frames');
  });
  afterAll(async () => g?.close());

  it('serves GET /faults/{code}/snapshots with every captured topic, and ?topic= with one', async () => {
    const all = await g.api('GET', '/faults/SNAP_BATTERY/snapshots');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      fault_code: 'SNAP_BATTERY',
      topics: {
        '/base/battery_state': { message_type: 'sensor_msgs/msg/BatteryState', data: { voltage: 21.7, percentage: 0.14 } },
        '/base/odom': { message_type: 'std_msgs/msg/Float64', data: { data: 1.5 } },
      },
      rosbag: { available: false },
    });
    expect(all.body.captured_at).toBeGreaterThan(1_700_000_000);
    for (const topic of ['/base/odom', 'base/odom', '%2Fbase%2Fodom']) {
      const one = await g.api('GET', `/faults/SNAP_BATTERY/snapshots?topic=${topic}`);
      expect(one.status, topic).toBe(200);
      expect(Object.keys(one.body.topics), topic).toEqual(['/base/odom']);
    }
    const none = await g.api('GET', '/faults/SNAP_BATTERY/snapshots?topic=/not/captured');
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ fault_code: 'SNAP_BATTERY', topics: {}, rosbag: { available: false } });
  });

  it('serves the entity-scoped route for faults in the entity scope only', async () => {
    for (const path of ['/apps/battery-monitor', '/components/battery-pack', '/areas/base', '/functions/power-management']) {
      const r = await g.api('GET', `${path}/faults/SNAP_BATTERY/snapshots?topic=/base/battery_state`);
      expect(r.status, path).toBe(200);
      expect(Object.keys(r.body.topics), path).toEqual(['/base/battery_state']);
    }
    const outOfScope = await g.api('GET', '/apps/battery-monitor/faults/SNAP_OTHER/snapshots');
    expect(outOfScope.status).toBe(404);
    expect(outOfScope.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'SNAP_OTHER', entity_id: 'battery-monitor' } });
    expect((await g.api('GET', '/apps/motor-driver/faults/SNAP_OTHER/snapshots')).status).toBe(200);
  });

  it('refuses bad input with 4xx, never 500', async () => {
    const unknown = await g.api('GET', '/faults/NO_SUCH_FAULT/snapshots');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('resource-not-found');
    expect((await g.api('GET', '/apps/no-such-app/faults/SNAP_BATTERY/snapshots')).status).toBe(404);
    for (const q of ['topic=', `topic=/${'x'.repeat(300)}`, 'topic=/a&topic=/b']) {
      const r = await g.api('GET', `/faults/SNAP_BATTERY/snapshots?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error_code, q).toBe('invalid-parameter');
    }
    const longCode = await g.api('GET', `/faults/${'C'.repeat(300)}/snapshots`);
    expect(longCode.status).toBe(400);
  });
});

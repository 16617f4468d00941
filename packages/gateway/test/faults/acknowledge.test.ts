// Acknowledging a fault and its stored status history over real HTTP (docs/faults.md "Acknowledge", "Status
// history"): who and a note, shown on the fault and its list item, lock-checked like a clear, gone with the
// occurrence, published on the event stream, and hostile input refused with the right 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const BATTERY = '/base/battery_monitor';

describe('fault acknowledgements and status history over REST', () => {
  let g: FaultGateway;
  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'faults.healing_enabled': true, 'faults.healing_threshold': 1 } });
  });
  afterAll(async () => g?.close());

  const item = async (code: string) => (await g.api('GET', '/faults?status=all')).body.items.find((i: { fault_code: string }) => i.fault_code === code);

  it('acknowledges through the entity route: who (X-Client-Id), when and a note on the detail, the list item and the history', async () => {
    g.fail('BATTERY_LOW', BATTERY, 3, 'Battery below 15 %');
    const events: string[] = [];
    const off = g.faults.manager.events.subscribe((e) => events.push(`${e.event_type}:${e.fault.fault_code}:${e.acknowledgement?.by}`));
    const r = await g.api('PUT', '/apps/battery-monitor/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'alice' }, body: { note: 'swapping the pack' } });
    off();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ acknowledged_by: 'alice', occurrence: 1, note: 'swapping the pack' });
    expect(r.body.acknowledged_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(events).toEqual(['fault_updated:BATTERY_LOW:alice']);
    const detail = (await g.api('GET', '/faults/BATTERY_LOW')).body['x-medkit'];
    expect(detail.acknowledgement).toEqual(r.body);
    expect(detail.status_history.at(-1)).toMatchObject({ change: 'acknowledged', source: 'alice', note: 'swapping the pack', status: 'CONFIRMED', occurrence: 1 });
    expect((await item('BATTERY_LOW'))['x-medkit'].acknowledgement).toEqual(r.body);
  });

  it('ends the acknowledgement when the fault heals and comes back; the history keeps both occurrences', async () => {
    g.pass('BATTERY_LOW', BATTERY);
    g.pass('BATTERY_LOW', BATTERY);
    expect(g.faults.manager.getFault('BATTERY_LOW')?.status).toBe('HEALED');
    g.fail('BATTERY_LOW', BATTERY, 3);
    expect((await item('BATTERY_LOW'))['x-medkit'].acknowledgement).toBeUndefined();
    const history = (await g.api('GET', '/faults/BATTERY_LOW')).body['x-medkit'].status_history;
    expect(history.map((h: { change: string; occurrence: number }) => `${h.change}#${h.occurrence}`)).toEqual([
      'occurred#1', 'confirmed#1', 'acknowledged#1', 'healed#1', 'confirmed#2',
    ]);
  });

  it('is lock-checked like a clear (409 for another client), and the global route acknowledges too', async () => {
    const lock = await g.api('POST', '/apps/battery-monitor/locks', { headers: { 'x-client-id': 'alice' }, body: { lock_expiration: 60, scopes: ['faults'] } });
    expect(lock.status).toBe(201);
    expect((await g.api('PUT', '/apps/battery-monitor/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'bob' }, body: {} })).status).toBe(409);
    expect((await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'bob' }, body: {} })).status).toBe(409);
    const ok = await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'alice' }, body: {} });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ acknowledged_by: 'alice', acknowledged_at: ok.body.acknowledged_at, occurrence: 2 });
    await g.api('DELETE', `/apps/battery-monitor/locks/${lock.body.id}`, { headers: { 'x-client-id': 'alice' } });
  });

  it('records a name given without a token as "<name> (unauthenticated)", on the fault and in the history', async () => {
    const r = await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'tablet-3' }, body: { name: '  Dana ', note: 'on it' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ acknowledged_by: 'Dana (unauthenticated)', note: 'on it' });
    const detail = (await g.api('GET', '/faults/BATTERY_LOW')).body['x-medkit'];
    expect(detail.status_history.at(-1)).toMatchObject({ change: 'acknowledged', source: 'Dana (unauthenticated)' });
    // No name (blank): the client id as before; an empty or too long name is refused.
    expect((await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'tablet-3' }, body: { name: '   ' } })).body.acknowledged_by).toBe('tablet-3');
    expect((await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { body: { name: '' } })).status).toBe(400);
    expect((await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { body: { name: 'x'.repeat(81) } })).status).toBe(400);
  });

  it('refuses hostile input with a SOVD error: a long note, unknown fields, a bad code, another scope, an unknown or cleared fault', async () => {
    const put = (path: string, body: unknown) => g.api('PUT', path, { body });
    const long = await put('/faults/BATTERY_LOW/acknowledgement', { note: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect((await put('/faults/BATTERY_LOW/acknowledgement', { note: 'x', by: 'mallory' })).status).toBe(400);
    expect((await put('/faults/BATTERY_LOW/acknowledgement', { note: 42 })).status).toBe(400);
    // A 10 KB X-Client-Id is kept cut to 512 characters in the history, not whole.
    const huge = await g.api('PUT', '/faults/BATTERY_LOW/acknowledgement', { headers: { 'x-client-id': 'c'.repeat(10_000) }, body: {} });
    expect(huge.status).toBe(200);
    expect(huge.body.acknowledged_by).toBe('c'.repeat(512));
    expect((await put(`/faults/${'X'.repeat(257)}/acknowledgement`, {})).status).toBe(400);
    expect((await put('/apps/motor-driver/faults/BATTERY_LOW/acknowledgement', {})).status).toBe(404);
    const unknown = await put('/faults/NO_SUCH/acknowledgement', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH' } });
    expect((await g.api('DELETE', '/faults/BATTERY_LOW', { headers: { 'x-client-id': 'carol' } })).status).toBe(204);
    const cleared = await put('/faults/BATTERY_LOW/acknowledgement', {});
    expect(cleared.status).toBe(409);
    expect(cleared.body).toMatchObject({ error_code: 'precondition-not-fulfilled', parameters: { fault_code: 'BATTERY_LOW', status: 'CLEARED' } });
    expect((await g.api('GET', '/faults/BATTERY_LOW')).body['x-medkit'].status_history.at(-1)).toMatchObject({ change: 'cleared', source: 'carol' });
  });
});

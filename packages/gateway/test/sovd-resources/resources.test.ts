// The four SOVD resources medkit implements beyond the reference (docs/sovd-resources.md): modes, data-lists, clear-data
// and communication-logs on the example AMR manifest over real HTTP — shapes, mutations through the lock
// check, bounds and bad input, capabilities on GET / and on entity details, and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const MOTOR = '/base/motor_driver';
const BATTERY = '/base/battery_monitor';

describe('modes, data-lists, clear-data, communication-logs (docs/sovd-resources.md)', () => {
  let g: FaultGateway;
  beforeAll(async () => {
    g = await startFaultGateway();
  }, 60_000);
  afterAll(async () => g?.close());

  it('lists them on GET / and on entity details, derived from the served routes', async () => {
    const root = await g.api('GET', '/');
    expect(root.body.capabilities).toMatchObject({ modes: true, data_lists: true, clear_data: true, communication_logs: true });
    const app = (await g.api('GET', '/apps/motor-driver')).body;
    const names = app.capabilities.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['modes', 'data-lists', 'clear-data', 'communication-logs']));
    expect(app.modes).toBe('/api/v1/apps/motor-driver/modes');
    // Areas and functions have no modes (no lifecycle, no mode table).
    const area = (await g.api('GET', '/areas/base')).body;
    expect(area.capabilities.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['data-lists', 'clear-data', 'communication-logs']));
    expect(area.capabilities.map((c: { name: string }) => c.name)).not.toContain('modes');
    expect((await g.api('GET', '/areas/base/modes')).status).toBe(404);
  });

  it('modes: the lifecycle state and the manifest mode table; values, expiry, locks and bad input', async () => {
    const list = await g.api('GET', '/apps/motor-driver/modes');
    expect(list.body).toEqual({ items: [{ id: 'lifecycle', name: 'ROS 2 lifecycle state' }, { id: 'drive_mode', name: 'Drive mode' }] });
    const life = await g.api('GET', '/apps/motor-driver/modes/lifecycle');
    expect(life.body).toMatchObject({ id: 'lifecycle', value: 'notReady', 'x-medkit': { source: 'lifecycle', managed: false } });
    expect((await g.api('GET', '/apps/motor-driver/modes/drive_mode')).body).toMatchObject({ id: 'drive_mode', name: 'Drive mode', value: 'manual', 'x-medkit': { values: ['manual', 'auto', 'docked'], default: 'manual' } });

    const set = await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { body: { value: 'auto', mode_expiration: 600 } });
    expect(set.status).toBe(200);
    expect(set.body.value).toBe('auto');
    expect(Date.parse(set.body['x-medkit'].expires_at)).toBeGreaterThan(Date.now());
    expect((await g.api('GET', '/apps/motor-driver/modes/drive_mode')).body.value).toBe('auto');

    const bad = await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { body: { value: 'warp' } });
    expect(bad.status).toBe(400);
    expect(bad.body.parameters.allowed_values).toBe('manual, auto, docked');
    expect((await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { body: { value: 'auto', mode_expiration: 1e12 } })).status).toBe(400);
    expect((await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { body: { value: 7 } })).status).toBe(400);
    expect((await g.api('GET', '/apps/motor-driver/modes/nope')).status).toBe(404);
    expect((await g.api('GET', '/apps/battery-monitor/modes')).body.items).toEqual([{ id: 'lifecycle', name: 'ROS 2 lifecycle state' }]);
    // Only active / finalized can be asked of the lifecycle; a plain node has no lifecycle provider (501).
    expect((await g.api('PUT', '/apps/motor-driver/modes/lifecycle', { body: { value: 'inactive' } })).status).toBe(400);
    expect((await g.api('PUT', '/apps/motor-driver/modes/lifecycle', { body: { value: 'active' } })).status).toBe(501);

    // A lock held by another client refuses the mutation (scope modes), not the read.
    const lock = await g.api('POST', '/apps/motor-driver/locks', { headers: { 'x-client-id': 'alice' }, body: { lock_expiration: 60, scopes: ['modes'] } });
    expect(lock.status).toBe(201);
    expect((await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { headers: { 'x-client-id': 'bob' }, body: { value: 'docked' } })).status).toBe(409);
    expect((await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { headers: { 'x-client-id': 'alice' }, body: { value: 'docked' } })).body.value).toBe('docked');
    expect((await g.api('GET', '/apps/motor-driver/modes/drive_mode', { headers: { 'x-client-id': 'bob' } })).status).toBe(200);
    expect((await g.api('DELETE', `/apps/motor-driver/locks/${lock.body.id}`, { headers: { 'x-client-id': 'alice' } })).status).toBe(204);
  });

  it('data-lists: items must be data items of the entity; bodies and ids are checked (reads: ros.test.ts)', async () => {
    // Without ROS the manifest apps have no data items, so any item is refused.
    expect((await g.api('POST', '/apps/motor-driver/data-lists', { body: { items: ['/not/a/topic/of/it'] } })).status).toBe(400);
    expect((await g.api('POST', '/apps/motor-driver/data-lists', { body: { items: [] } })).status).toBe(400);
    expect((await g.api('POST', '/apps/motor-driver/data-lists', { body: { items: Array.from({ length: 65 }, () => '/x') } })).status).toBe(400);
    expect((await g.api('POST', '/apps/motor-driver/data-lists', { body: { items: 'x' } })).status).toBe(400);
    expect((await g.api('GET', '/apps/motor-driver/data-lists')).body).toEqual({ items: [] });
    expect((await g.api('GET', '/apps/motor-driver/data-lists/dl_1')).status).toBe(404);
    expect((await g.api('DELETE', '/apps/motor-driver/data-lists/dl_1')).status).toBe(404);
    expect((await g.api('GET', '/apps/ghost/data-lists')).status).toBe(404);
  });

  it("clear-data: learned-data clears the entity's fault memory only, client-defined resources its mode values", async () => {
    g.fail('MOTOR_HOT', MOTOR, 3, 'Motor over temperature');
    g.fail('BATTERY_HOT', BATTERY, 3, 'Battery over temperature');
    expect((await g.api('GET', '/apps/motor-driver/faults')).body.items.map((f: { fault_code: string }) => f.fault_code)).toContain('MOTOR_HOT');
    expect((await g.api('GET', '/apps/motor-driver/clear-data/status')).body.status).toBe('idle');

    const r = await g.api('PUT', '/apps/motor-driver/clear-data/learned-data');
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe('/api/v1/apps/motor-driver/clear-data/status');
    expect(r.body).toMatchObject({ status: 'completed', kinds: ['learned-data'], cleared: { faults: 1 } });
    const active = (await g.api('GET', '/faults')).body.items.map((f: { fault_code: string }) => f.fault_code);
    expect(active).not.toContain('MOTOR_HOT');
    expect(active).toContain('BATTERY_HOT');

    await g.api('PUT', '/apps/motor-driver/modes/drive_mode', { body: { value: 'auto' } });
    const all = await g.api('PUT', '/apps/motor-driver/clear-data');
    expect(all.body).toMatchObject({ status: 'completed', kinds: ['cached-data', 'learned-data', 'client-defined-resources'] });
    expect(all.body.cleared).toMatchObject({ modes: 1, data_lists: 0, triggers: 0, cyclic_subscriptions: 0, cached_values: 0, faults: 0 });
    expect((await g.api('GET', '/apps/motor-driver/modes/drive_mode')).body.value).toBe('manual');
    const status = await g.api('GET', '/apps/motor-driver/clear-data/status');
    expect(status.body).toMatchObject({ status: 'completed', 'x-medkit': { covers: { 'learned-data': ['faults'] } } });
    expect((await g.api('PUT', '/apps/motor-driver/clear-data/everything')).status).toBe(404);
  });

  it('communication-logs: start, read, stop, restart, delete; bounded in number', async () => {
    const started = await g.api('POST', '/apps/motor-driver/communication-logs', { body: { protocol: 'dds' } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^comlog_\d+$/), protocol: 'dds', status: 'running', events: [{ event: 'snapshot', node: MOTOR, endpoint: 'offline' }] });
    const id = started.body.id;
    expect((await g.api('GET', '/apps/motor-driver/communication-logs')).body.items).toEqual([expect.objectContaining({ id, status: 'running' })]);
    expect((await g.api('PUT', `/apps/motor-driver/communication-logs/${id}`, { body: { status: 'stopped' } })).body.status).toBe('stopped');
    expect((await g.api('PUT', `/apps/motor-driver/communication-logs/${id}`, { body: { status: 'paused' } })).status).toBe(400);
    expect((await g.api('POST', '/apps/motor-driver/communication-logs', { body: { protocol: 'can' } })).status).toBe(400);
    expect((await g.api('GET', `/apps/battery-monitor/communication-logs/${id}`)).status).toBe(404);
    expect((await g.api('DELETE', `/apps/motor-driver/communication-logs/${id}`)).status).toBe(204);
    let last = 0;
    for (let i = 0; i < 33; i++) last = (await g.api('POST', '/areas/base/communication-logs', { body: {} })).status;
    expect(last).toBe(409);
  });
});

// The faults feature over real HTTP: a gateway with the example AMR manifest (manifest_only) and reports made
// through the fault manager as a node's ReportFault would; every filter, per-entity scope (docs/faults.md),
// details, clears, lock checks and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const BATTERY = '/base/battery_monitor';
const MOTOR = '/base/motor_driver';
const LIDAR = '/sensors/lidar_driver';

describe('fault routes (docs/faults.md)', () => {
  let g: FaultGateway;
  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'faults.confirmation_threshold': -3, 'faults.healing_enabled': true, 'faults.healing_threshold': 2 } });
  });
  afterAll(async () => g?.close());

  const codes = (body: { items: { fault_code: string }[] }) => body.items.map((i) => i.fault_code).sort();

  it('shows a fault as pending until the configured debounce confirms it', async () => {
    expect(g.fail('BATTERY_LOW', BATTERY, 1, 'Battery below 15 %').status).toBe('PREFAILED');
    let list = await g.api('GET', '/faults');
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { fault_code: string }) => i.fault_code === 'BATTERY_LOW');
    expect(item).toMatchObject({
      fault_code: 'BATTERY_LOW', fault_name: 'Battery below 15 %', description: 'Battery below 15 %', severity: 1, severity_label: 'warning',
      status: 'PREFAILED', reporting_sources: [BATTERY], entity_id: 'battery-monitor', occurrence_count: 1,
      'x-medkit': { status: 'PREFAILED', sovd_status: { aggregatedStatus: 'passive', testFailed: '1', confirmedDTC: '0', pendingDTC: '1' } },
      environment_data: { snapshots: [] },
    });
    expect(typeof item.first_occurred).toBe('number');
    expect(item.last_passed).toBeUndefined();
    g.fail('BATTERY_LOW', BATTERY, 1);
    expect((await g.api('GET', '/faults?status=confirmed')).body.items).toHaveLength(0);
    g.fail('BATTERY_LOW', BATTERY, 1);
    list = await g.api('GET', '/faults?status=confirmed');
    expect(codes(list.body)).toEqual(['BATTERY_LOW']);
    expect(list.body.items[0].status).toBe('CONFIRMED');
    expect(list.body.items[0]['x-medkit'].sovd_status).toEqual({ aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' });
    expect(list.body['x-medkit']).toEqual({ count: 1, muted_count: 0, cluster_count: 0 });
  });

  it('applies every status and severity filter', async () => {
    g.fail('MOTOR_HOT', MOTOR, 3, 'Motor over temperature'); // critical: confirms at once
    g.fail('LIDAR_NOISY', LIDAR, 0);
    g.fail('LIDAR_DIRTY', LIDAR, 2);
    g.fail('LIDAR_DIRTY', LIDAR, 2);
    g.pass('LIDAR_DIRTY', LIDAR); // counter back towards passing
    g.pass('LIDAR_DIRTY', LIDAR);
    g.pass('LIDAR_DIRTY', LIDAR);
    g.pass('LIDAR_DIRTY', LIDAR);
    expect(g.faults.manager.getFault('LIDAR_DIRTY')?.status).toBe('HEALED');
    const get = async (q: string) => codes((await g.api('GET', `/faults${q}`)).body);
    expect(await get('')).toEqual(['BATTERY_LOW', 'LIDAR_NOISY', 'MOTOR_HOT']);
    expect(await get('?status=pending')).toEqual(['LIDAR_NOISY']);
    expect(await get('?status=confirmed')).toEqual(['BATTERY_LOW', 'MOTOR_HOT']);
    expect(await get('?status=healed')).toEqual(['LIDAR_DIRTY']);
    expect(await get('?status=cleared')).toEqual(['LIDAR_DIRTY']);
    expect(await get('?status=all')).toEqual(['BATTERY_LOW', 'LIDAR_DIRTY', 'LIDAR_NOISY', 'MOTOR_HOT']);
    expect(await get('?severity=warn')).toEqual(['BATTERY_LOW', 'MOTOR_HOT']);
    expect(await get('?severity=3')).toEqual(['MOTOR_HOT']);
    expect(await get('?severity=CRITICAL&status=all')).toEqual(['MOTOR_HOT']);
    expect(await get('?include_muted=true&include_clusters=true')).toEqual(['BATTERY_LOW', 'LIDAR_NOISY', 'MOTOR_HOT']);
    const flags = (await g.api('GET', '/faults?include_muted=true&include_clusters=true')).body['x-medkit'];
    expect(flags).toEqual({ count: 3, muted_count: 0, cluster_count: 0, muted_faults: [], clusters: [] });
    const healed = (await g.api('GET', '/faults?status=healed')).body.items[0];
    expect(typeof healed.last_passed).toBe('number');
    expect(healed['x-medkit'].status).toBe('HEALED');
    // REST lists are newest last_occurred first (Q9).
    const all = (await g.api('GET', '/faults?status=all')).body.items.map((i: { last_occurred: number }) => i.last_occurred);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
  });

  it('rejects bad filters with the allowed values', async () => {
    const bad = await g.api('GET', '/faults?status=open');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { parameter: 'status', value: 'open', allowed_values: 'pending, confirmed, cleared, healed, all' } });
    const sev = await g.api('GET', '/apps/battery-monitor/faults?severity=fatal');
    expect(sev.status).toBe(400);
    expect(sev.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { parameter: 'severity', value: 'fatal' } });
    expect((await g.api('GET', '/faults?include_muted=maybe')).status).toBe(400);
    expect((await g.api('DELETE', '/faults?status=nope')).body.parameters.allowed_values).toBe('pending, confirmed, cleared, healed, all');
    expect((await g.api('DELETE', '/apps/battery-monitor/faults?status=nope')).status).toBe(400);
  });

  it('scopes per-entity lists: apps by FQN and id, components, areas, functions aggregate their apps', async () => {
    g.fail('PLC_LINK_DOWN', 'safety-plc-link', 3); // external app: bare id
    g.fail('PLC_FAULT', 'safety-controller', 3); // external component: own id
    g.fail('BATTERY_CELL', `${BATTERY}/cell_monitor`, 3); // a path child of the app's node
    const list = async (path: string) => (await g.api('GET', `${path}/faults`)).body;
    const app = await list('/apps/battery-monitor');
    expect(codes(app)).toEqual(['BATTERY_CELL', 'BATTERY_LOW']);
    expect(app['x-medkit']).toEqual({ entity_id: 'battery-monitor', source_id: BATTERY, count: 2, muted_count: 0, cluster_count: 0 });
    const comp = await list('/components/battery-pack');
    expect(codes(comp)).toEqual(['BATTERY_CELL', 'BATTERY_LOW']);
    expect(comp['x-medkit']).toMatchObject({ entity_id: 'battery-pack', aggregation_level: 'component', aggregated: true, app_count: 1, count: 2 });
    expect(codes(await list('/areas/power'))).toEqual(['BATTERY_CELL', 'BATTERY_LOW']);
    const base = await list('/areas/base');
    expect(codes(base)).toEqual(['BATTERY_CELL', 'BATTERY_LOW', 'MOTOR_HOT']);
    expect(base['x-medkit']).toMatchObject({ aggregation_level: 'area', component_count: 3, app_count: 6 });
    const fn = await list('/functions/power-management');
    expect(codes(fn)).toEqual(['BATTERY_CELL', 'BATTERY_LOW']);
    expect(fn['x-medkit']).toMatchObject({ aggregation_level: 'function', host_count: 1 });
    expect(codes(await list('/apps/safety-plc-link'))).toEqual(['PLC_LINK_DOWN']);
    expect(codes(await list('/components/safety-controller'))).toEqual(['PLC_FAULT', 'PLC_LINK_DOWN']);
    expect(codes(await list('/areas/safety'))).toEqual(['PLC_FAULT', 'PLC_LINK_DOWN']);
    expect(codes(await list('/functions/safety-monitoring'))).toEqual(['PLC_LINK_DOWN']);
    expect(codes(await list('/apps/motor-driver'))).toEqual(['MOTOR_HOT']);
    expect(codes(await list('/apps/lidar-driver'))).toEqual(['LIDAR_NOISY']);
    expect(codes(await list('/apps/planner-server'))).toEqual([]);
  });

  it('hides a fault reported by two entities from both entities but keeps it globally', async () => {
    g.fail('BUS_ERROR', BATTERY, 3);
    g.fail('BUS_ERROR', MOTOR, 3);
    expect(codes((await g.api('GET', '/apps/battery-monitor/faults')).body)).not.toContain('BUS_ERROR');
    expect(codes((await g.api('GET', '/apps/motor-driver/faults')).body)).not.toContain('BUS_ERROR');
    expect((await g.api('GET', '/apps/battery-monitor/faults/BUS_ERROR')).status).toBe(404);
    expect((await g.api('DELETE', '/apps/motor-driver/faults/BUS_ERROR')).status).toBe(404);
    // ...but both belong to the base area, which sees it.
    expect(codes((await g.api('GET', '/areas/base/faults')).body)).toContain('BUS_ERROR');
    expect(codes((await g.api('GET', '/faults')).body)).toContain('BUS_ERROR');
    expect((await g.api('GET', '/faults/BUS_ERROR')).body.item.reporting_sources).toEqual([BATTERY, MOTOR]);
  });

  it('returns the fault detail with the SOVD status and extended data records', async () => {
    const r = await g.api('GET', '/apps/battery-monitor/faults/BATTERY_LOW');
    expect(r.status).toBe(200);
    expect(r.body.item).toMatchObject({
      code: 'BATTERY_LOW', fault_code: 'BATTERY_LOW', fault_name: 'Battery below 15 %', severity: 1, severity_label: 'warning',
      status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' }, entity_id: 'battery-monitor', occurrence_count: 1,
    });
    expect(r.body.environment_data.extended_data_records.first_occurrence).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r.body.environment_data.snapshots).toEqual([]);
    const { status_history: history, ...xm } = r.body['x-medkit'];
    expect(xm).toEqual({ occurrence_count: 1, reporting_sources: [BATTERY], severity_label: 'warning', status: 'CONFIRMED', status_raw: 'CONFIRMED' });
    expect(history.map((h: { change: string; status: string; source: string; occurrence: number }) => [h.change, h.status, h.source, h.occurrence])).toEqual([
      ['occurred', 'PREFAILED', BATTERY, 1], ['confirmed', 'CONFIRMED', BATTERY, 1],
    ]);
    expect(history[1].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await g.api('GET', '/functions/power-management/faults/BATTERY_LOW')).status).toBe(200);
  });

  it('answers 404/400 for unknown entities, wrong types, unknown and out-of-scope codes', async () => {
    const unknownApp = await g.api('GET', '/apps/no-such-app/faults');
    expect(unknownApp.status).toBe(404);
    expect(unknownApp.body).toMatchObject({ error_code: 'entity-not-found', parameters: { entity_id: 'no-such-app' } });
    const wrongType = await g.api('GET', '/apps/battery-pack/faults');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.parameters).toMatchObject({ expected_type: 'app', actual_type: 'component' });
    expect((await g.api('GET', '/apps/bad.id/faults')).status).toBe(400);
    const unknownCode = await g.api('GET', '/apps/battery-monitor/faults/NO_SUCH_CODE');
    expect(unknownCode.status).toBe(404);
    expect(unknownCode.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH_CODE', entity_id: 'battery-monitor' } });
    expect((await g.api('GET', '/apps/motor-driver/faults/BATTERY_LOW')).status).toBe(404);
    expect((await g.api('GET', `/apps/battery-monitor/faults/${'X'.repeat(257)}`)).status).toBe(400);
    expect((await g.api('DELETE', '/faults/NO_SUCH_CODE')).status).toBe(404);
    expect((await g.api('GET', '/faults/NO_SUCH_CODE')).status).toBe(404);
  });

  it('rejects bad reports with a reason and leaves stored faults untouched', async () => {
    const before = (await g.api('GET', '/faults?status=all')).body;
    const bad = [
      { fault_code: '', event_type: 0, severity: 2, description: '', source_id: BATTERY },
      { fault_code: 'BATTERY_LOW', event_type: 0, severity: 7, description: '', source_id: BATTERY },
      { fault_code: 'BATTERY_LOW', event_type: 0, severity: 2, description: 'x'.repeat(5000), source_id: BATTERY },
      { fault_code: 'BATTERY_LOW', event_type: 0, severity: 2, description: '', source_id: '' },
      { fault_code: 'BATTERY_LOW', event_type: 0, severity: 2, description: '', source_id: `/${'s'.repeat(600)}` },
      { fault_code: 'A'.repeat(257), event_type: 0, severity: 2, description: '', source_id: BATTERY },
      { fault_code: 'BAD CODE', event_type: 0, severity: 2, description: '', source_id: BATTERY },
      { fault_code: 'BATTERY_LOW', event_type: 9, severity: 2, description: '', source_id: BATTERY },
    ];
    for (const req of bad) {
      const out = g.faults.report(req);
      expect(out.accepted).toBe(false);
      expect(out.reason).toMatch(/\w/);
    }
    expect((await g.api('GET', '/faults?status=all')).body).toEqual(before);
  });

  it('clears one fault per entity (no cascade), with the lock check on mutating routes', async () => {
    const lock = await g.api('POST', '/apps/battery-monitor/locks', { headers: { 'x-client-id': 'alice' }, body: { lock_expiration: 60, scopes: ['faults'] } });
    expect(lock.status).toBe(201);
    const blocked = await g.api('DELETE', '/apps/battery-monitor/faults/BATTERY_LOW', { headers: { 'x-client-id': 'bob' } });
    expect(blocked.status).toBe(409);
    expect((await g.api('DELETE', '/faults/BATTERY_LOW', { headers: { 'x-client-id': 'bob' } })).status).toBe(409);
    // DELETE /faults silently skips faults whose source entity another client locked.
    const all = await g.api('DELETE', '/faults', { headers: { 'x-client-id': 'bob' } });
    expect(all.status).toBe(204);
    expect(all.headers.get('x-medkit-local-only')).toBe('true');
    expect(codes((await g.api('GET', '/faults')).body)).toEqual(['BATTERY_CELL', 'BATTERY_LOW', 'BUS_ERROR']); // BUS_ERROR: one source is locked
    expect(g.faults.manager.getFault('MOTOR_HOT')?.status).toBe('CLEARED');
    const ok = await g.api('DELETE', '/apps/battery-monitor/faults/BATTERY_LOW', { headers: { 'x-client-id': 'alice' } });
    expect(ok.status).toBe(204);
    expect(g.faults.manager.getFault('BATTERY_LOW')?.status).toBe('CLEARED');
    const cleared = (await g.api('GET', '/apps/battery-monitor/faults?status=cleared')).body;
    expect(codes(cleared)).toContain('BATTERY_LOW');
    expect(cleared.items.find((i: { fault_code: string }) => i.fault_code === 'BATTERY_LOW').status).toBe('CLEARED');
    await g.api('DELETE', `/apps/battery-monitor/locks/${lock.body.id}`, { headers: { 'x-client-id': 'alice' } });
  });

  it('clears a collection per entity honouring ?status=, 204 even when nothing matched', async () => {
    g.fail('LIDAR_A', LIDAR, 3);
    g.fail('LIDAR_B', LIDAR, 1); // pending
    expect((await g.api('DELETE', '/apps/lidar-driver/faults?status=confirmed')).status).toBe(204);
    expect(g.faults.manager.getFault('LIDAR_A')?.status).toBe('CLEARED');
    expect(g.faults.manager.getFault('LIDAR_B')?.status).toBe('PREFAILED');
    expect(g.faults.manager.getFault('BATTERY_CELL')?.status).toBe('CONFIRMED');
    expect((await g.api('DELETE', '/components/lidar-unit/faults')).status).toBe(204);
    expect(g.faults.manager.getFault('LIDAR_B')?.status).toBe('CLEARED');
    expect((await g.api('DELETE', '/areas/navigation/faults')).status).toBe(204);
    expect(g.faults.manager.getFault('BATTERY_CELL')?.status).toBe('CONFIRMED');
  });

  it('reports health, capabilities and documents every route', async () => {
    const health = await fetch(`${g.url}/api/v1/health`).then((r) => r.json());
    expect(health['x-medkit-faults']).toMatchObject({ store_full: false, storage_type: 'sqlite', max_fault_codes: 10000 });
    expect(health['x-medkit-faults'].fault_count).toBeGreaterThan(5);
    const root = await fetch(`${g.url}/api/v1/`).then((r) => r.json());
    expect(root.capabilities).toMatchObject({ faults: true, bulk_data: true });
    const docs = await fetch(`${g.url}/api/v1/docs`).then((r) => r.json());
    const ops = Object.values(docs.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const id of ['listFaults', 'clearAllFaults', 'streamFaultEvents', 'listAppFaults', 'getComponentFault', 'clearAreaFaults', 'downloadAppBulkData', 'uploadComponentBulkData']) expect(ops).toContain(id);
    expect(g.gateway.summary()).toContainEqual(['faults', expect.stringMatching(/faults stored/)]);
  });
});

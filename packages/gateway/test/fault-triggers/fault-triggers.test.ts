// Fault-trigger rules (docs/plugins.md, docs/triggers.md; the reference's 0.7.0 "config-less fault triggers"):
// GET/POST /apps/{id}/fault-triggers and DELETE …/{trigger_id} on a real gateway (real HTTP, real SQLite)
// whose plugin App serves a value the test moves. A rule raises its fault while the value is past the
// threshold and clears it when the value is back; a disconnected source holds the state; rules survive a
// restart when fault_triggers.storage.path names a database; the routes answer 404 when the feature is off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crosses, readingOf } from '../../src/fault-triggers/model.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { PlantPlugin, startPlantGateway } from '../support/plugin-plant.js';
import { eventually, http } from '../../../../test-support/gateway/ros-robot.js';

/** The plant: `level` of the tank, `pack` (an object) of the battery; `tank_down` answers connected: false. */
const plugin = new PlantPlugin({
  component: 'tank_plc',
  apps: { tank_process: { level: 50, pack: { voltage: 25.0 } }, tank_down: { level: 42 } },
  down: new Set(['tank_down']),
});
const plant = {
  set level(v: number) {
    plugin.plant.apps.tank_process.level = v;
  },
  set pack(v: Record<string, number>) {
    plugin.plant.apps.tank_process.pack = v;
  },
};

const start = (dataDir: string, extra: Record<string, unknown> = {}): Promise<TestGateway> =>
  startPlantGateway(plugin, { dataDir, flags: { 'fault_triggers.poll_interval_ms': 50, 'fault_triggers.storage.path': join(dataDir, 'fault_triggers.db'), ...extra } as never });

const dataDir = mkdtempSync(join(tmpdir(), 'medkit-fault-triggers-'));
let g: TestGateway;
beforeAll(async () => {
  g = await start(dataDir);
}, 120_000);
afterAll(async () => {
  await g?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const rules = (app = 'tank_process') => `${g.url}/api/v1/apps/${app}/fault-triggers`;
const create = (body: unknown, app = 'tank_process') => http(rules(app), { method: 'POST', json: body });
const fault = async (code: string) => {
  const r = await http(`${g.url}/api/v1/faults?status=all`);
  return (r.body.items as { fault_code: string; status: string; severity: number; reporting_sources?: string[] }[]).find((f) => f.fault_code === code);
};
const standing = async (code: string) => {
  const f = await fault(code);
  return f !== undefined && f.status !== 'CLEARED' ? f : undefined;
};
const gone = async (code: string) => (await standing(code)) === undefined;
const polls = (n: number) => new Promise((r) => setTimeout(r, n * 50));

describe('fault-trigger rules', () => {
  it('list starts empty', async () => {
    const r = await http(rules());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ items: [] });
  });

  it('refuses bad bodies with 400 naming the field, an unknown data item with 400, an unknown app with 404', async () => {
    const ok = { data_name: 'level', operator: '>', threshold: 1, fault_code: 'X_RULE', severity: 'ERROR' };
    const cases: [unknown, string][] = [
      [{}, "'data_name' is required"],
      [{ ...ok, operator: '~' }, 'operator'],
      [{ ...ok, threshold: 'hot' }, 'threshold'],
      [{ ...ok, threshold: null }, 'threshold'],
      [{ ...ok, severity: 'LOUD' }, 'severity'],
      [{ ...ok, fault_code: 'BAD CODE' }, 'fault_code'],
      [{ ...ok, active: 'yes' }, 'active'],
      [{ ...ok, path: 'voltage' }, 'path'],
      [[1, 2], 'object'],
    ];
    for (const [body, needle] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.message).toContain(needle);
    }
    const fields = await create({ ...ok, operator: '~' });
    expect(fields.body.error_code).toBe('invalid-parameter');

    const malformed = await http(rules(), { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe('invalid-request');

    const unknownItem = await create({ ...ok, data_name: 'no_such_point', fault_code: 'DEAD_RULE' });
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.body.message).toContain('does not exist');

    const ghost = await create({ ...ok, fault_code: 'GHOST_RULE' }, 'ghost_app');
    expect(ghost.status).toBe(404);
    expect(ghost.body.error_code).toBe('entity-not-found');

    expect((await http(rules())).body.items).toEqual([]);
  });

  it('raises the fault while the value is past the threshold, clears it when the value is back, and again on the next crossing', async () => {
    plant.level = 50;
    const r = await create({ data_name: 'level', operator: '>=', threshold: 80, fault_code: 'TANK_LEVEL_HIGH', severity: 'ERROR' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: r.body.id, app_id: 'tank_process', data_name: 'level', operator: '>=', threshold: 80, fault_code: 'TANK_LEVEL_HIGH', severity: 'ERROR', active: true });
    expect(r.body.id).toMatch(/^ftr_\d+$/);
    expect(r.headers.get('location')).toBe(`/api/v1/apps/tank_process/fault-triggers/${r.body.id}`);
    const self = await http(`${g.url}${r.headers.get('location')}`);
    expect(self.status).toBe(200);
    expect(self.body).toEqual(r.body);
    expect((await http(rules())).body.items.map((i: { id: string }) => i.id)).toContain(r.body.id);

    await polls(4);
    expect(await standing('TANK_LEVEL_HIGH')).toBeUndefined();

    plant.level = 87.5;
    const raised = await eventually(() => standing('TANK_LEVEL_HIGH'), 'the fault raised');
    expect(raised).toMatchObject({ status: 'CONFIRMED', severity: 2, reporting_sources: ['tank_process'] });
    // Listed under the App the rule watches.
    const onApp = await http(`${g.url}/api/v1/apps/tank_process/faults`);
    expect(onApp.body.items.map((f: { fault_code: string }) => f.fault_code)).toContain('TANK_LEVEL_HIGH');

    plant.level = 60;
    await eventually(() => gone('TANK_LEVEL_HIGH'), 'the fault cleared');
    expect((await fault('TANK_LEVEL_HIGH'))?.status).toBe('CLEARED');

    plant.level = 95;
    await eventually(() => standing('TANK_LEVEL_HIGH'), 'the fault raised again');
  });

  it('refuses a second rule on the same fault code with 409, whatever the app', async () => {
    const dup = await create({ data_name: 'level', operator: '>', threshold: 1, fault_code: 'TANK_LEVEL_HIGH', severity: 'WARNING' }, 'tank_down');
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('precondition-not-fulfilled');
  });

  it('deleting a rule clears the fault it raised; an unknown rule or one of another app is 404', async () => {
    const [rule] = (await http(rules())).body.items as { id: string }[];
    expect(await standing('TANK_LEVEL_HIGH')).toBeDefined();
    expect((await http(`${rules('tank_down')}/${rule.id}`, { method: 'DELETE' })).status).toBe(404);
    const del = await http(`${rules()}/${rule.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await http(rules())).body.items).toEqual([]);
    await eventually(() => gone('TANK_LEVEL_HIGH'), 'the fault cleared by the delete');
    // Nothing raises it again: the rule is gone though the value is still past the threshold.
    await polls(4);
    expect(await standing('TANK_LEVEL_HIGH')).toBeUndefined();
    const again = await http(`${rules()}/${rule.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('resource-not-found');
    expect((await http(`${rules()}/ftr_none`)).status).toBe(404);
  });

  it('never fires on the last value of a disconnected source', async () => {
    const r = await create({ data_name: 'level', operator: '>=', threshold: 10, fault_code: 'TANK_DOWN_LEVEL_HIGH', severity: 'ERROR' }, 'tank_down');
    expect(r.status).toBe(201);
    await polls(10);
    expect(await fault('TANK_DOWN_LEVEL_HIGH')).toBeUndefined();
    expect((await http(`${rules('tank_down')}/${r.body.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('[ours] compares a field of an object value named by path; an inactive rule is kept but not evaluated', async () => {
    plant.pack = { voltage: 21.5 };
    // Sent with a trailing slash: the Location stays canonical (the reference's 0.7.0, #591).
    const inactive = await http(`${rules()}/`, { method: 'POST', json: { data_name: 'pack', path: '/voltage', operator: '<', threshold: 22, fault_code: 'PACK_LOW_IDLE', severity: 'WARNING', active: false } });
    expect(inactive.status).toBe(201);
    expect(inactive.headers.get('location')).toBe(`/api/v1/apps/tank_process/fault-triggers/${inactive.body.id}`);
    expect(inactive.body).toMatchObject({ active: false, path: '/voltage' });
    const r = await create({ data_name: 'pack', path: '/voltage', operator: '<', threshold: 22, fault_code: 'PACK_LOW', severity: 'CRITICAL' });
    expect(r.status).toBe(201);
    expect(await eventually(() => standing('PACK_LOW'), 'the pack fault')).toMatchObject({ severity: 3 });
    expect(await fault('PACK_LOW_IDLE')).toBeUndefined();
    plant.pack = { voltage: 24 };
    await eventually(() => gone('PACK_LOW'), 'the pack fault cleared');
  });

  it('keeps the rules across a restart (fault_triggers.storage.path) and never reuses an id', async () => {
    const before = (await http(rules())).body.items as { id: string }[];
    expect(before.map((r) => r.id).sort()).toHaveLength(2);
    await g.close();
    g = await start(dataDir);
    const after = (await http(rules())).body.items as { id: string }[];
    expect(after).toEqual(before);
    const next = await create({ data_name: 'level', operator: '>', threshold: 1000, fault_code: 'TANK_AFTER_RESTART', severity: 'INFO' });
    const n = (id: string) => Number(id.slice(4));
    expect(n(next.body.id)).toBeGreaterThan(Math.max(...before.map((r) => n(r.id)), 4));
    // The restored rule still evaluates.
    plant.pack = { voltage: 20 };
    await eventually(() => standing('PACK_LOW'), 'the restored rule raising its fault');
  });

  it('answers 404 on every route when fault_triggers.enabled is false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-fault-triggers-off-'));
    const off = await start(dir, { 'fault_triggers.enabled': false });
    try {
      const base = `${off.url}/api/v1/apps/tank_process/fault-triggers`;
      for (const r of [await http(base), await http(base, { method: 'POST', json: { data_name: 'level', operator: '>', threshold: 1, fault_code: 'OFF_RULE', severity: 'ERROR' } }), await http(`${base}/ftr_1`, { method: 'DELETE' })]) {
        expect(r.status).toBe(404);
        expect(r.body.error_code).toBe('resource-not-found');
      }
    } finally {
      await off.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rule arithmetic', () => {
  it('compares with each operator', () => {
    expect([crosses({ operator: '>', threshold: 1 }, 1), crosses({ operator: '>=', threshold: 1 }, 1), crosses({ operator: '<', threshold: 1 }, 0.5), crosses({ operator: '<=', threshold: 1 }, 2), crosses({ operator: '==', threshold: 1 }, 1)]).toEqual([false, true, true, false, true]);
  });

  it('reads nothing from an unreliable or non-numeric value', () => {
    expect(readingOf({ data: 3 }, undefined)).toBe(3);
    expect(readingOf({ data: { data: 4.5 } }, undefined)).toBe(4.5);
    expect(readingOf({ data: { voltage: 21 } }, '/voltage')).toBe(21);
    expect(readingOf({ data: true }, undefined)).toBe(1);
    expect(readingOf({ data: '9007199254740993' }, undefined)).toBe(Number('9007199254740993'));
    expect(readingOf({ data: 3, 'x-medkit': { connected: false } }, undefined)).toBeUndefined();
    expect(readingOf({ data: 3, 'x-medkit': { stale: true } }, undefined)).toBeUndefined();
    expect(readingOf({ data: {}, 'x-medkit': { status: 'metadata_only' } }, undefined)).toBeUndefined();
    expect(readingOf({ data: 'hot' }, undefined)).toBeUndefined();
    expect(readingOf({ data: 'NaN' }, undefined)).toBeUndefined();
    expect(readingOf({ data: { voltage: 21 } }, '/current')).toBeUndefined();
    expect(readingOf(undefined, undefined)).toBeUndefined();
  });
});

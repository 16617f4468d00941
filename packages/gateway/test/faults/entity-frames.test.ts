// Entity freeze frames (docs/faults.md (c); the reference's 0.7.0 zero-config freeze frames for plugin entities,
// and its Forthcoming "entity freeze-frames survive a restart"). End to end: a plugin's entity reports a fault,
// the fault's detail carries that entity's values at confirmation; after a restart the same frame is served as
// captured (its values, captured_at and provenance), not today's values; a fault already confirmed when the
// gateway starts gets one marked capture_origin: startup; an entity serving last known values is marked
// connected: false. Real gateways, real HTTP, the real SQLite store kept across the restart. The frame rules
// (drop, re-read of a new occurrence, the bound, a failing store) are unit-tested on EntityFrames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { EntityFrames, MAX_ENTITY_FRAMES, type EntityFrame, type EntityFrameStore } from '@medkit/faults';
import type { FaultRecord } from '@medkit/faults';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { PlantPlugin, startPlantGateway } from '../support/plugin-plant.js';
import { eventually, http } from '../../../../test-support/gateway/ros-robot.js';

type Snapshot = { type: string; name: string; data: unknown; 'x-medkit': Record<string, unknown> };

const plugin = new PlantPlugin({ component: 'cell_plc', apps: { cell_oven: { temp: 90, door: 'closed' }, cell_press: { pressure: 2.5 } }, down: new Set(['cell_press']) });
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-entity-frames-'));
let g: TestGateway;

const frameOf = async (app: string, code: string): Promise<Snapshot | undefined> => {
  const r = await http(`${g.url}/api/v1/apps/${app}/faults/${code}`);
  return (r.body.environment_data?.snapshots as Snapshot[] | undefined)?.find((s) => s.type === 'freeze_frame');
};
const report = (code: string, entity: string) => plugin.ctx!.reportFault({ fault_code: code, event: 'FAILED', severity: 'ERROR', description: code, entity_id: entity });

beforeAll(async () => {
  g = await startPlantGateway(plugin, { dataDir });
}, 120_000);
afterAll(async () => {
  await g?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('entity freeze frames', () => {
  it("keeps a plugin entity's values at confirmation as the fault's freeze frame", async () => {
    expect(report('OVEN_OVERTEMP', 'cell_oven')).toBe(true);
    const frame = await eventually(() => frameOf('cell_oven', 'OVEN_OVERTEMP'), 'the frame');
    expect(frame).toEqual({
      type: 'freeze_frame',
      name: 'cell_oven',
      data: { temp: 90, door: 'closed' },
      'x-medkit': { captured_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), connected: true, source_timestamp: '2026-08-27T10:00:00Z' },
    });
    // The list item names it (without the values, as for every frame on a list).
    const listed = (await http(`${g.url}/api/v1/apps/cell_oven/faults`)).body.items.find((f: { fault_code: string }) => f.fault_code === 'OVEN_OVERTEMP');
    expect(listed.environment_data.snapshots).toContainEqual({ type: 'freeze_frame', name: 'cell_oven', 'x-medkit': frame!['x-medkit'] });
  });

  it('marks the values of an entity serving last known values connected: false', async () => {
    expect(report('PRESS_STUCK', 'cell_press')).toBe(true);
    const frame = await eventually(() => frameOf('cell_press', 'PRESS_STUCK'), 'the frame');
    expect(frame).toMatchObject({ name: 'cell_press', data: { pressure: 2.5 }, 'x-medkit': { connected: false } });
  });

  it("serves a plugin entity's own bulk data and logs (the reference's 0.7.0, #560)", async () => {
    const bulk = await http(`${g.url}/api/v1/apps/cell_oven/bulk-data`);
    expect(bulk.status).toBe(200);
    expect(bulk.body.items).toContain('rosbags');
    expect((await http(`${g.url}/api/v1/apps/cell_oven/bulk-data/rosbags`)).status).toBe(200);
    expect((await http(`${g.url}/api/v1/components/cell_plc/bulk-data/rosbags`)).status).toBe(200);
    const logs = await http(`${g.url}/api/v1/apps/cell_oven/logs`);
    expect(logs.status).toBe(200);
    expect(Array.isArray(logs.body.items)).toBe(true);
  });

  it('serves the captured frame after a restart, and catches up a fault confirmed while frames were off', async () => {
    const before = await frameOf('cell_oven', 'OVEN_OVERTEMP');
    await g.close();
    // A gateway without entity frames confirms another fault: it has no frame when the next one starts.
    g = await startPlantGateway(plugin, { dataDir, flags: { 'entity_freeze_frame.enabled': false } });
    expect(report('OVEN_DOOR_OPEN', 'cell_oven')).toBe(true);
    expect(await frameOf('cell_oven', 'OVEN_DOOR_OPEN')).toBeUndefined();
    await g.close();

    plugin.plant.apps.cell_oven = { temp: 40, door: 'open' };
    g = await startPlantGateway(plugin, { dataDir });
    // Today's values do not replace the values at fault time.
    expect(await frameOf('cell_oven', 'OVEN_OVERTEMP')).toEqual(before);
    // The fault confirmed without a frame is read at start-up and says so.
    const caught = await eventually(() => frameOf('cell_oven', 'OVEN_DOOR_OPEN'), 'the start-up frame');
    expect(caught).toMatchObject({ data: { temp: 40, door: 'open' }, 'x-medkit': { capture_origin: 'startup', connected: true } });
    // A cleared fault keeps its frame.
    g.gateway.ctx.services.get(FAULTS_SERVICE).manager.clear('OVEN_OVERTEMP');
    expect(await frameOf('cell_oven', 'OVEN_OVERTEMP')).toEqual(before);
  });
});

describe('EntityFrames rules', () => {
  const fault = (code: string, first: bigint, status: FaultRecord['status'] = 'CONFIRMED'): FaultRecord =>
    ({ fault_code: code, status, first_occurred_ns: first, reporting_sources: ['cell_oven'] }) as FaultRecord;
  class MemStore implements EntityFrameStore {
    rows = new Map<string, EntityFrame>();
    failing = false;
    load() {
      return [...this.rows.values()];
    }
    put(f: EntityFrame) {
      if (this.failing) throw new Error('disk full');
      this.rows.set(f.fault_code, f);
    }
    delete(code: string) {
      this.rows.delete(code);
    }
    close() {}
  }
  const setup = (store: MemStore, faults: FaultRecord[]) => {
    const warnings: string[] = [];
    let t = 1n;
    let reads = 0;
    const frames = new EntityFrames({
      store,
      ownerOf: (s) => (s === 'cell_oven' ? { entityId: 'cell_oven', read: async () => ({ data: { temp: ++reads } }) } : undefined),
      fault: (c) => faults.find((f) => f.fault_code === c),
      allFaults: () => faults,
      nowNs: () => t++,
      warn: (m) => warnings.push(m),
    });
    return { frames, warnings };
  };

  it("drops frames of faults no longer held, re-reads one whose occurrence was cleared and raised again, keeps the current one", async () => {
    const store = new MemStore();
    const kept: EntityFrame = { fault_code: 'KEPT', entity_id: 'cell_oven', data: { temp: 1 }, captured_at_ns: 5n, occurrence_ns: 100n };
    store.rows.set('KEPT', kept);
    store.rows.set('GONE', { ...kept, fault_code: 'GONE' });
    store.rows.set('AGAIN', { ...kept, fault_code: 'AGAIN' });
    store.rows.set('CLEARED', { ...kept, fault_code: 'CLEARED' });
    const { frames } = setup(store, [fault('KEPT', 100n), fault('AGAIN', 200n), fault('CLEARED', 100n, 'CLEARED'), fault('NEW', 300n)]);
    frames.startup();
    expect(store.rows.has('GONE')).toBe(false);
    expect(frames.waiting).toBe(2);
    expect(await frames.catchUp()).toBe(2);
    expect(frames.get('KEPT')).toEqual(kept);
    expect(frames.get('CLEARED')).toBeDefined();
    expect(frames.get('AGAIN')).toMatchObject({ capture_origin: 'startup', occurrence_ns: 200n });
    expect(frames.get('NEW')).toMatchObject({ capture_origin: 'startup', occurrence_ns: 300n });
    expect(frames.waiting).toBe(0);
  });

  it(`keeps at most ${MAX_ENTITY_FRAMES} faults, reloaded and fresh together, the oldest first out`, async () => {
    const store = new MemStore();
    for (let i = 0; i < MAX_ENTITY_FRAMES; i++) store.rows.set(`OLD_${i}`, { fault_code: `OLD_${i}`, entity_id: 'cell_oven', data: {}, captured_at_ns: BigInt(i), occurrence_ns: 1n });
    const faults = [...store.rows.keys()].map((c) => fault(c, 1n));
    const { frames } = setup(store, faults);
    expect(await frames.captureConfirmed(fault('FRESH', 2n))).toBe(true);
    expect(frames.size).toBe(MAX_ENTITY_FRAMES);
    expect(frames.get('OLD_0')).toBeUndefined();
    expect(store.rows.has('OLD_0')).toBe(false);
    expect(frames.get('FRESH')).toBeDefined();
  });

  it('reports a store that cannot be written and keeps capturing in memory', async () => {
    const store = new MemStore();
    store.failing = true;
    const { frames, warnings } = setup(store, []);
    expect(await frames.captureConfirmed(fault('A', 1n))).toBe(true);
    expect(await frames.captureConfirmed(fault('B', 1n))).toBe(true);
    expect(frames.get('B')?.data).toEqual({ temp: 2 });
    expect(warnings.filter((w) => w.includes('store failed'))).toHaveLength(1);
  });
});

// Persistent triggers survive a gateway restart on the same data dir (restored with their previous
// value, so range conditions keep context); non-persistent ones do not; `reset` drops everything.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { startTriggerGateway, type TriggerGateway } from './harness.js';

const VOLTAGE = '/api/v1/apps/battery-monitor/data/voltage';
const dirs: string[] = [];
const open: TriggerGateway[] = [];
const streams: SseClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await Promise.all(open.splice(0).map((g) => g.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string, flags = {}) {
  const g = await startTriggerGateway({ dataDir, flags });
  open.push(g);
  return g;
}
async function stop(g: TriggerGateway) {
  open.splice(open.indexOf(g), 1);
  await g.close();
}
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'medkit-trig-'));
  dirs.push(d);
  return d;
}

describe('trigger persistence', () => {
  it('restores persistent triggers with their previous value after a restart; non-persistent ones are gone', async () => {
    const dataDir = tempDir();
    const g1 = await start(dataDir);
    const body = { resource: VOLTAGE, trigger_condition: { condition_type: 'EnterRange', lower_bound: 0, upper_bound: 22 }, multishot: true };
    const p = (await g1.api('POST', '/apps/battery-monitor/triggers', { ...body, persistent: true, lifetime: 3600 })).body;
    const np = (await g1.api('POST', '/apps/battery-monitor/triggers', body)).body;
    expect(p.persistent).toBe(true);
    g1.fake.publish('battery-monitor', '/voltage', 30); // previous = 30 (outside), saved on shutdown at the latest
    await stop(g1);

    const g2 = await start(dataDir);
    const got = await g2.api('GET', `/apps/battery-monitor/triggers/${p.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: p.id, status: 'active', persistent: true, multishot: true, lifetime: 3600, trigger_condition: body.trigger_condition });
    expect((await g2.api('GET', `/apps/battery-monitor/triggers/${np.id}`)).status).toBe(404);
    const s = await openSse(`${g2.url}${p.event_source as string}`);
    streams.push(s);
    // EnterRange needs a previous value: this fires only because 30 was restored.
    g2.fake.publish('battery-monitor', '/voltage', 21);
    expect(await s.nextJson()).toMatchObject({ payload: 21 });
    // New ids continue after the restored ones.
    expect((await g2.api('POST', '/apps/battery-monitor/triggers', body)).body.id).toBe('trig_3');
  });

  it('drops even persistent triggers with on_restart_behavior reset', async () => {
    const dataDir = tempDir();
    const g1 = await start(dataDir, { 'triggers.on_restart_behavior': 'reset' });
    const p = (await g1.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, persistent: true })).body;
    await stop(g1);
    const g2 = await start(dataDir, { 'triggers.on_restart_behavior': 'reset' });
    expect((await g2.api('GET', `/apps/battery-monitor/triggers/${p.id}`)).status).toBe(404);
  });

  it('can keep triggers in a separate SQLite file (triggers.storage.path)', async () => {
    const dataDir = tempDir();
    const path = join(tempDir(), 'triggers.db');
    const g1 = await start(dataDir, { 'triggers.storage.path': path });
    const p = (await g1.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, persistent: true })).body;
    await stop(g1);
    const g2 = await start(tempDir(), { 'triggers.storage.path': path }); // another data dir, same trigger file
    expect((await g2.api('GET', `/apps/battery-monitor/triggers/${p.id}`)).status).toBe(200);
  });
});

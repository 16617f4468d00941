// The real updates feature feeds `/updates/{id}/status` subscriptions: a cyclic subscription on a
// registered package streams its actual status, and follows it through a prepare.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { createUpdatesFeature } from '../../src/updates/index.js';
import { createSubscriptionsFeature } from '../../src/subscriptions/index.js';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';

const H = { 'content-type': 'application/json' };

describe('update status as a subscription collection', () => {
  let work: string;
  let g: TestGateway;
  let stream: SseClient | undefined;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-upd-sub-'));
    mkdirSync(join(work, 'packages', 'nav'), { recursive: true });
    writeFileSync(join(work, 'packages', 'nav', 'ok.sh'), 'echo "MEDKIT_PROGRESS 100 ready"\n');
    g = await startTestGateway({
      features: [fixtureEntitiesFeature(), createScriptsFeature(), createUpdatesFeature(), createSubscriptionsFeature(undefined, { keepaliveMs: 1000 })],
      flags: { 'scripts.scripts_dir': join(work, 'scripts'), 'updates.enabled': true, 'updates.packages_dir': join(work, 'packages') },
    });
  });
  afterAll(async () => {
    stream?.close();
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('streams the registered package status and its change after prepare', async () => {
    const reg = await fetch(`${g.url}/api/v1/updates`, { method: 'POST', headers: H, body: JSON.stringify({ id: 'nav-1', 'x-medkit': { prepare: { path: 'nav/ok.sh' }, execute: { path: 'nav/ok.sh' } } }) });
    expect(reg.status).toBe(201);
    const sub = await fetch(`${g.url}/api/v1/components/main-computer/cyclic-subscriptions`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({ resource: '/api/v1/updates/nav-1/status', interval: 'fast', duration: 60 }),
    });
    expect(sub.status).toBe(201);
    stream = await openSse(`${g.url}${(await sub.json()).event_source}`);
    expect(await stream.nextJson()).toMatchObject({ payload: { status: 'pending' } });
    expect((await fetch(`${g.url}/api/v1/updates/nav-1/prepare`, { method: 'PUT' })).status).toBe(202);
    let last: { payload?: { status?: string } } = {};
    for (let i = 0; i < 200 && last.payload?.status !== 'completed'; i++) last = await stream.nextJson();
    expect(last.payload?.status).toBe('completed');
  });

  it('reports an unknown package on the stream as an error, not a crash', async () => {
    const sub = await fetch(`${g.url}/api/v1/components/main-computer/cyclic-subscriptions`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({ resource: '/api/v1/updates/ghost/status', interval: 'fast', duration: 60 }),
    });
    expect(sub.status).toBe(201);
    const s = await openSse(`${g.url}${(await sub.json()).event_source}`);
    try {
      const ev = await s.nextJson();
      expect(ev).not.toHaveProperty('payload');
      expect(ev.error).toMatchObject({ error_code: 'vendor-error' });
    } finally {
      s.close();
    }
  });
});

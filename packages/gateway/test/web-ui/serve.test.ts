import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { createWebUiFeature } from '../../src/web-ui/feature.js';

describe('web UI serving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-ui-'));
  let g: TestGateway;
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>medkit ui</title><script src="assets/app-1.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
    g = await startTestGateway({ defaults: true, features: [], flags: { 'ui.dir': dir } });
  });
  afterAll(async () => {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without caching and assets as immutable, leaving the API alone', async () => {
    const index = await fetch(`${g.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('medkit ui');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${g.url}/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${g.url}/api/v1/nothing`)).status).toBe(404);
  });

  it('explains a missing build instead of a 404', async () => {
    const g2 = await startTestGateway({ features: [createWebUiFeature()], flags: { 'ui.dir': join(dir, 'nope') } });
    try {
      const res = await fetch(`${g2.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('has not been built');
    } finally {
      await g2.close();
    }
  });
});

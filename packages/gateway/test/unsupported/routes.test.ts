import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createUnsupportedFeature } from '../../src/unsupported/routes.js';

describe('SOVD resources medkit does not implement (api.md §23)', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ features: [fixtureEntitiesFeature(), createUnsupportedFeature()] });
  });
  afterAll(async () => g.close());

  it('answers 501 not-implemented on a known entity', async () => {
    for (const [method, path] of [
      ['GET', '/apps/battery-monitor/modes'],
      ['PUT', '/components/main-computer/modes/session'],
      ['POST', '/apps/battery-monitor/data-lists'],
      ['DELETE', '/areas/base/data-lists/dl1'],
      ['PUT', '/apps/battery-monitor/clear-data/cached-data'],
      ['GET', '/apps/battery-monitor/clear-data/status'],
      ['GET', '/functions/power/communication-logs'],
    ]) {
      const res = await fetch(`${g.url}/api/v1${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(501);
      expect((await res.json()).error_code).toBe('not-implemented');
    }
  });

  it('still validates the entity first: unknown 404, invalid id 400', async () => {
    expect((await fetch(`${g.url}/api/v1/apps/ghost/modes`)).status).toBe(404);
    expect((await fetch(`${g.url}/api/v1/apps/bad.id/modes`)).status).toBe(400);
  });
});

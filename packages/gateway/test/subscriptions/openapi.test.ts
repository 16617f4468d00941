// The routes of locks, triggers and cyclic subscriptions produce a valid OpenAPI 3.1 document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createLocksFeature } from '../../src/locks/index.js';
import { createTriggersFeature } from '../../src/triggers/index.js';
import { createSubscriptionsFeature } from '../../src/subscriptions/index.js';

describe('OpenAPI of locks, triggers and subscriptions', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ features: [fixtureEntitiesFeature(), createLocksFeature(), createTriggersFeature(), createSubscriptionsFeature()] });
  });
  afterAll(async () => g.close());

  it('is valid and lists every route with an operationId', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/apps/{app_id}/locks/{lock_id}',
      '/areas/{area_id}/triggers/{trigger_id}/events',
      '/functions/{function_id}/cyclic-subscriptions/{subscription_id}',
    ]) expect(paths).toContain(p);
    expect(paths).not.toContain('/areas/{area_id}/locks');
    expect(paths).not.toContain('/areas/{area_id}/cyclic-subscriptions');
    const root = await (await fetch(`${g.url}/api/v1`)).json();
    expect(root.capabilities).toMatchObject({ locking: true, triggers: true, cyclic_subscriptions: true });
  });
});

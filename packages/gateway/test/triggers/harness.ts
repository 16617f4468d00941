// Shared set-up of trigger tests: a real gateway with fixture entities, fake producers and triggers.
import type { FlatConfig } from '../../src/config/index.js';
import type { GatewayFeature } from '../../src/feature.js';
import { createTriggersFeature } from '../../src/triggers/index.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { FakeProducers } from './fake-samplers.js';

export interface TriggerGateway extends TestGateway {
  fake: FakeProducers;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
}

export async function startTriggerGateway(opts: { flags?: FlatConfig; dataDir?: string; extra?: GatewayFeature[] } = {}): Promise<TriggerGateway> {
  const fake = new FakeProducers();
  const g = await startTestGateway({
    features: [fixtureEntitiesFeature(), fake.feature(), ...(opts.extra ?? []), createTriggersFeature(undefined, { keepaliveMs: 1000 })],
    flags: opts.flags,
    dataDir: opts.dataDir,
  });
  return {
    ...g,
    fake,
    async api(method, path, body, headers = {}) {
      const r = await fetch(`${g.url}/api/v1${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
}

// The ROS-backed resource routes produce a valid OpenAPI 3.1 document with unique operationIds; the
// wildcard (multi-segment) variants stay out of it. Runs without ROS (ros.enabled false).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { newApp } from '../../src/entities/model.js';
import { createRosFeature } from '../../src/ros/index.js';
import { createDataFeature } from '../../src/data/index.js';
import { createOperationsFeature } from '../../src/operations/index.js';
import { createConfigurationsFeature } from '../../src/configurations/index.js';
import { createLifecycleFeature } from '../../src/lifecycle/index.js';
import { createLogsFeature } from '../../src/logs/index.js';

describe('OpenAPI of data, operations, configurations, status and logs', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      features: [createRosFeature(),
        fixtureEntitiesFeature([
          {
            type: 'app',
            entity: newApp('talker', 'manifest', {
              bound_fqn: '/talker',
              is_online: true,
              topics: { publishes: ['/chatter'], subscribes: [] },
              services: [{ full_path: '/talker/reset', name: 'reset', type: 'std_srvs/srv/Trigger' }],
            }),
          },
        ]),
        createDataFeature(), createOperationsFeature(), createConfigurationsFeature(), createLifecycleFeature(), createLogsFeature()],
    });
  });
  afterAll(async () => g.close());

  it('is valid, documents the item routes, and hides the wildcard variants', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/apps/{app_id}/data/{data_id}',
      '/areas/{area_id}/data-categories',
      '/functions/{function_id}/operations/{operation_id}/executions/{execution_id}',
      '/components/{component_id}/configurations/{config_id}',
      '/apps/{app_id}/status/force-restart',
      '/areas/{area_id}/logs/configuration',
      '/rosout',
      '/functions/{function_id}/rosout',
    ]) expect(paths).toContain(p);
    expect(paths.filter((p) => p.includes('*'))).toEqual([]);
    expect(paths).not.toContain('/areas/{area_id}/status');
    expect(paths).toContain('/apps/{app_id}/data');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId?: string }>).map((o) => o.operationId));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without ROS: data reads and operations answer 503, status falls back, /health says ROS is off', async () => {
    const read = await fetch(`${g.url}/api/v1/apps/talker/data/chatter`);
    expect(read.status).toBe(503);
    const list = await (await fetch(`${g.url}/api/v1/apps/talker/data`)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual(['/chatter']);
    const op = await fetch(`${g.url}/api/v1/apps/talker/operations/reset/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(op.status).toBe(503);
    const cfg = await (await fetch(`${g.url}/api/v1/apps/talker/configurations`)).json();
    expect(cfg.vendor_code).toBe('x-medkit-ros2-node-unavailable');
    const st = await (await fetch(`${g.url}/api/v1/apps/talker/status`)).json();
    expect(st).toEqual({ status: 'ready' });
    const h = await (await fetch(`${g.url}/api/v1/health`)).json();
    expect(h['x-medkit-ros']).toEqual({ enabled: false });
    expect(h.warnings.map((w: { code: string }) => w.code)).toContain('ros_disabled');
  });
});

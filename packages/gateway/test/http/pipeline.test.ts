// The request pipeline's entity stage (src/http/pipeline.ts) on real HTTP: a disabled feature's stand-in
// routes answer 501 from the stage before any entity lookup (so an unknown entity is still 501) and never
// reach their handler; child routes (/areas/{a}/subareas/{s}) resolve the child within its parent.
import { afterEach, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature, fixtureEntities } from '../support/entities.js';
import { newArea, type EntityType } from '../../src/entities/model.js';
import { API_BASE } from '@medkit/server';
import { routeAvailability } from '@medkit/server';
import type { GatewayFeature } from '../../src/feature.js';
// The entity stage's augmentation of FastifyRequest (req.entity), which the imports above reach only at run time.
import type {} from '../../src/http/entity-stage.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

function stageFeature(enabled: boolean, handled: string[]): GatewayFeature {
  return {
    name: 'stage-test',
    routes() {
      return (app) => {
        const available = routeAvailability(enabled, 'Stage test feature is off');
        app.get(`${API_BASE}/apps/:app_id/x-stage`, { config: { ...available, entity: { segment: 'apps', collection: 'data' } }, schema: { params: Type.Object({ app_id: Type.String() }) } }, async (req) => {
          handled.push(req.entity.entity.id);
          return { id: req.entity.entity.id, type: req.entity.type };
        });
        app.get(
          `${API_BASE}/areas/:area_id/subareas/:subarea_id/x-stage`,
          { config: { entity: { segment: 'areas', collection: 'data', idParam: 'subarea_id', parentParam: 'area_id' } }, schema: { params: Type.Object({ area_id: Type.String(), subarea_id: Type.String() }) } },
          async (req) => ({ id: req.entity.entity.id }),
        );
      };
    },
  };
}

async function start(enabled: boolean, handled: string[] = []) {
  const typed: { type: EntityType; entity: ReturnType<typeof fixtureEntities>[number] }[] = [
    { type: 'area', entity: newArea('base', 'manifest', { name: 'Base' }) },
    { type: 'area', entity: newArea('dock', 'manifest', { name: 'Dock', parent_area_id: 'base' }) },
    { type: 'area', entity: newArea('yard', 'manifest', { name: 'Yard' }) },
    { type: 'app', entity: fixtureEntities()[2] },
  ];
  gw = await startTestGateway({ features: [fixtureEntitiesFeature(typed), stageFeature(enabled, handled)] });
  return gw;
}

const get = async (path: string) => {
  const r = await fetch(`${gw!.url}${API_BASE}${path}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('request pipeline entity stage', () => {
  it('answers 501 for a stand-in route before looking up the entity, without running the handler', async () => {
    const handled: string[] = [];
    await start(false, handled);
    const known = await get('/apps/battery-monitor/x-stage');
    expect(known).toEqual({ status: 501, body: { error_code: 'not-implemented', message: 'Stage test feature is off' } });
    expect((await get('/apps/no-such-app/x-stage')).status).toBe(501);
    expect(handled).toEqual([]);
  });

  it('resolves the entity of an enabled route, 404 for an unknown id and 400 for an id of another type', async () => {
    const handled: string[] = [];
    await start(true, handled);
    expect(await get('/apps/battery-monitor/x-stage')).toEqual({ status: 200, body: { id: 'battery-monitor', type: 'app' } });
    expect((await get('/apps/no-such-app/x-stage')).status).toBe(404);
    const other = await get('/apps/base/x-stage');
    expect(other.status).toBe(400);
    expect(other.body.parameters).toMatchObject({ expected_type: 'app', actual_type: 'area' });
    expect(handled).toEqual(['battery-monitor']);
  });

  it('resolves a child entity within its parent and refuses one that is not its child', async () => {
    await start(true);
    expect(await get('/areas/base/subareas/dock/x-stage')).toEqual({ status: 200, body: { id: 'dock' } });
    expect((await get('/areas/yard/subareas/dock/x-stage')).status).toBe(404);
    expect((await get('/areas/nowhere/subareas/dock/x-stage')).status).toBe(404);
    expect((await get('/areas/base/subareas/nowhere/x-stage')).status).toBe(404);
  });
});

// Configurations against the fixture robot in another process (testDomain(31)): parameters listed with
// types and descriptors, typed sets, read-only refusal, resets, and a hung parameter service that
// must not hold up anything else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataFeature } from '../../src/data/index.js';
import { createConfigurationsFeature } from '../../src/configurations/index.js';
import { buildRos2, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(31);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['battery', 'hung'] });
  g = await startRosGateway(DOMAIN, [createDataFeature(), createConfigurationsFeature()], {
    parameter_service_timeout_sec: 3,
    parameter_service_negative_cache_sec: 60,
  });
  await waitForApp(g, 'battery_monitor');
  await waitForApp(g, 'hung_node');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const cfg = (path = '') => `${g.url}/api/v1/apps/battery_monitor/configurations${path}`;

describe('configurations of a ROS node in another process', () => {
  it('lists parameters with ROS types and values', async () => {
    const r = await http(cfg());
    expect(r.status).toBe(200);
    const ids = r.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['scan_frequency', 'mode', 'serial', 'limits.max']));
    expect(r.body.items.find((i: { id: string }) => i.id === 'mode')).toEqual({ id: 'mode', name: 'mode', type: 'parameter' });
    expect(r.body['x-medkit']).toMatchObject({ entity_id: 'battery_monitor', source: 'runtime', is_aggregated: false, queried_nodes: ['/demo/battery_monitor'] });
    const p = r.body['x-medkit'].parameters.find((x: { name: string }) => x.name === 'scan_frequency');
    // What the node declared rides along (issue 56: the UI shows descriptions in the list, offers no edit of a read-only one).
    expect(p).toEqual({ name: 'scan_frequency', value: 15, type: 'double', description: 'Rotation rate in Hz', 'x-medkit': { source: 'battery_monitor', node: '/demo/battery_monitor' } });
    expect(r.body['x-medkit'].parameters.find((x: { name: string }) => x.name === 'serial')).toMatchObject({ read_only: true });
    expect(r.body['x-medkit'].parameters.find((x: { name: string }) => x.name === 'mode')).not.toHaveProperty('read_only');
  });

  it('reads one parameter with its descriptor', async () => {
    const r = await http(cfg('/scan_frequency'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'scan_frequency',
      data: 15,
      'x-medkit': { ros2: { node: '/demo/battery_monitor' }, entity_id: 'battery_monitor', parameter: { name: 'scan_frequency', type: 'double', description: 'Rotation rate in Hz', read_only: false } },
    });
    const dotted = await http(cfg('/limits.max'));
    expect(dotted.body.data).toBe(10);
  });

  it('sets with a type check, refuses read-only, and resets to the first value seen', async () => {
    const ok = await http(cfg('/mode'), { method: 'PUT', json: { data: 'manual' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toBe('manual');
    expect((await http(cfg('/mode'))).body.data).toBe('manual');
    const wrongType = await http(cfg('/mode'), { method: 'PUT', json: { data: 7 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { expected_type: 'string' } });
    const ro = await http(cfg('/serial'), { method: 'PUT', json: { data: 'SN-1' } });
    expect(ro.status).toBe(403);
    expect(ro.body.vendor_code).toBe('x-medkit-ros2-parameter-read-only');
    const range = await http(cfg('/scan_frequency'), { method: 'PUT', json: { value: 500.0 } });
    expect(range.status).toBe(400);
    const missing = await http(cfg('/mode'), { method: 'PUT', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe('invalid-request');
    const unknown = await http(cfg('/no_such_param'));
    expect(unknown.status).toBe(404);

    expect((await http(cfg('/mode'), { method: 'DELETE' })).status).toBe(204);
    expect((await http(cfg('/mode'))).body.data).toBe('auto');
    await http(cfg('/limits.max'), { method: 'PUT', json: { data: 3 } });
    expect((await http(cfg(), { method: 'DELETE' })).status).toBe(204);
    expect((await http(cfg('/limits.max'))).body.data).toBe(10);
  });

  it('qualifies ids on the function and needs the prefix to write', async () => {
    const f = await http(`${g.url}/api/v1/functions/demo/configurations`);
    expect(f.status).toBe(200);
    expect(f.body.items.map((i: { id: string }) => i.id)).toContain('battery_monitor:scan_frequency');
    expect(f.body['x-medkit'].is_aggregated).toBe(true);
    const bare = await http(`${g.url}/api/v1/functions/demo/configurations/mode`, { method: 'PUT', json: { data: 'x' } });
    expect(bare.status).toBe(400);
    expect(bare.body.message).toBe('Aggregated configuration requires app_id prefix');
    const q = await http(`${g.url}/api/v1/functions/demo/configurations/battery_monitor:scan_frequency`);
    expect(q.body).toMatchObject({ data: 15, 'x-medkit': { source_app: 'battery_monitor' } });
  });

  it('a hung parameter service holds up nothing else and times out after its deadline, then answers at once from the negative cache', async () => {
    const order: string[] = [];
    const track = <T>(name: string, p: Promise<T>) => p.then((v) => (order.push(name), v));
    const hung = track('hung', http(`${g.url}/api/v1/apps/hung_node/configurations/anything`));
    // Give the hung call time to be on the wire before the others start.
    await new Promise((r) => setTimeout(r, 200));
    const others = await Promise.all([
      track('data', http(`${g.url}/api/v1/apps/battery_monitor/data/demo%2Fbattery%2Fvoltage`)),
      track('other-node', http(cfg('/scan_frequency'))),
      track('other-list', http(cfg())),
      track('discovery', http(`${g.url}/api/v1/apps`)),
    ]);
    for (const o of others) expect(o.status).toBe(200);
    const h = await hung;
    expect(order.indexOf('hung')).toBe(order.length - 1);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ vendor_code: 'x-medkit-ros2-node-unavailable', parameters: { node: '/hung/hung_node', reason: 'timeout' } });
    // Now the node is in the negative cache: the next request is answered from it.
    const again = await http(`${g.url}/api/v1/apps/hung_node/configurations`);
    expect(again.status).toBe(503);
    expect(again.body.parameters.reason).toBe('cached');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    // An aggregate over a live and the hung node is partial, not failed.
    const host = (await http(`${g.url}/api/v1/components`)).body.items[0].id;
    const agg = await http(`${g.url}/api/v1/components/${host}/configurations`);
    expect(agg.status).toBe(200);
    expect(agg.body['x-medkit']).toMatchObject({ partial: true, unavailable_nodes: ['/hung/hung_node'] });
  }, 30_000);
});

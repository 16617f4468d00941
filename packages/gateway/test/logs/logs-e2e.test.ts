// Logs and raw /rosout against the fixture robot in another process (testDomain(34)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogsFeature } from '../../src/logs/index.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(34);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['battery', 'plain'] });
  g = await startRosGateway(DOMAIN, [createLogsFeature()], { 'logs.buffer_size': 50 });
  await waitForApp(g, 'battery_monitor');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const logs = (p = '') => `${g.url}/api/v1/apps/battery_monitor/logs${p}`;

describe('logs from /rosout of a node in another process', () => {
  it('serves the app log entries in the decided shape, oldest first', async () => {
    const r = await eventually(async () => {
      const x = await http(logs());
      return x.body.items?.length >= 3 ? x : undefined;
    }, 'log entries');
    const first = r.body.items[0];
    expect(first).toMatchObject({ severity: expect.any(String), level: expect.any(String), logger_name: 'demo.battery_monitor', context: { node: 'demo.battery_monitor' } });
    expect(first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    const ids = r.body.items.map((i: { id: string }) => Number(i.id.slice(4)));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(r.body['x-medkit']).toBeUndefined();
    // The late-joining reader got the transient-local history, so the start-up warning is there.
    const warn = await http(logs('?severity=warning'));
    expect(warn.body.items.map((i: { message: string }) => i.message)).toContain('battery monitor starting');
    expect(warn.body.items.every((i: { severity: string }) => i.severity === 'warning')).toBe(true);
  });

  it('filters by context and rejects bad filters', async () => {
    expect((await http(logs('?context=battery_mon'))).body.items.length).toBeGreaterThan(0);
    expect((await http(logs('?context=nomatch'))).body.items).toEqual([]);
    const bad = await http(logs('?severity=loud'));
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('invalid-parameter');
    expect((await http(logs(`?context=${'x'.repeat(300)}`))).status).toBe(400);
  });

  it('has a per-entity configuration that caps and filters', async () => {
    expect((await http(logs('/configuration'))).body).toEqual({ severity_filter: 'debug', max_entries: 100 });
    expect((await http(logs('/configuration'), { method: 'PUT', json: { max_entries: 2 } })).status).toBe(204);
    expect((await http(logs())).body.items).toHaveLength(2);
    expect((await http(logs('/configuration'), { method: 'PUT', json: { severity_filter: 'error' } })).status).toBe(204);
    expect((await http(logs())).body.items).toEqual([]);
    expect((await http(logs('/configuration'), { method: 'PUT', json: { max_entries: 0 } })).status).toBe(400);
    expect((await http(logs('/configuration'), { method: 'PUT', json: { severity_filter: 'loud' } })).status).toBe(400);
    await http(logs('/configuration'), { method: 'PUT', json: { severity_filter: 'debug', max_entries: 100 } });
  });

  it('aggregates on the function and the host component', async () => {
    const f = await http(`${g.url}/api/v1/functions/demo/logs`);
    expect(f.body['x-medkit']).toMatchObject({ entity_id: 'demo', aggregation_level: 'function', aggregated: true, host_count: 2 });
    expect(f.body['x-medkit'].aggregation_sources).toEqual(expect.arrayContaining(['/demo/battery_monitor', '/demo/plain_node']));
    expect(f.body.items.length).toBeGreaterThan(0);
    const host = (await http(`${g.url}/api/v1/components`)).body.items[0].id;
    const c = await http(`${g.url}/api/v1/components/${host}/logs`);
    expect(c.body['x-medkit']).toMatchObject({ aggregation_level: 'component', app_count: 2 });
  });

  it('serves the raw /rosout buffer with node, severity and since filters', async () => {
    const all = await http(`${g.url}/api/v1/rosout?node=/demo/battery_monitor`);
    expect(all.status).toBe(200);
    const e = all.body.items[all.body.items.length - 1];
    expect(e).toMatchObject({ name: 'demo.battery_monitor', node: '/demo/battery_monitor', level: expect.any(Number), stamp: { sec: expect.any(Number), nanosec: expect.any(Number) } });
    const warn = await http(`${g.url}/api/v1/rosout?severity=warning`);
    expect(warn.body.items.every((i: { level: number }) => i.level >= 30)).toBe(true);
    const since = `${e.stamp.sec}.${String(e.stamp.nanosec).padStart(9, '0')}`;
    const late = await http(`${g.url}/api/v1/rosout?since=${since}`);
    expect(late.body.items.length).toBeGreaterThan(0);
    expect(late.body.items.length).toBeLessThan((await http(`${g.url}/api/v1/rosout`)).body.items.length);
    const scoped = await http(`${g.url}/api/v1/apps/plain_node/rosout`);
    expect(scoped.body.items).toEqual([]);
    expect((await http(`${g.url}/api/v1/rosout?since=yesterday`)).status).toBe(400);
  });

  it('keeps at most logs.buffer_size entries per node', async () => {
    await eventually(async () => (await http(`${g.url}/api/v1/rosout?node=/demo/battery_monitor`)).body.items.length === 50, 'full buffer', 30_000);
  }, 40_000);
});

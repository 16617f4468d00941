// Data routes against the fixture robot in another process (testDomain(30)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataFeature } from '../../src/data/index.js';
import { DATA_SERVICE } from '../../src/data/feature.js';
import { DataValueSchema } from '../../src/data/rest-shape.js';
import { ENTITIES_SERVICE } from '../../src/entities/service.js';
import { shapeProblems } from '../../../../test-support/rest-shape.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';
import { openSse } from '../../../../test-support/sse-client.js';

const DOMAIN = testDomain(30);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['battery'] });
  g = await startRosGateway(DOMAIN, [createDataFeature()]);
  await waitForApp(g, 'battery_monitor');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const app = () => `${g.url}/api/v1/apps/battery_monitor`;

describe('data on a ROS node in another process', () => {
  it('lists the topics of the app with direction, type and JSON Schema', async () => {
    const r = await eventually(async () => {
      const res = await http(`${app()}/data`);
      return res.body.items?.some((i: any) => i.id === '/demo/cmd') ? res : undefined;
    }, 'topic list');
    expect(r.status).toBe(200);
    const volt = r.body.items.find((i: any) => i.id === '/demo/battery/voltage');
    expect(volt).toMatchObject({ name: '/demo/battery/voltage', category: 'currentData', 'x-medkit': { ros2: { topic: '/demo/battery/voltage', direction: 'publish', type: 'std_msgs/msg/Float64' } } });
    // One JSON type per field, as reference clients need (docs/migrating.md).
    expect(volt['x-medkit'].type_info.schema.properties.data).toMatchObject({ type: 'number', format: 'double', 'x-medkit-non-finite': ['NaN', 'Infinity', '-Infinity'] });
    expect(volt['x-medkit'].type_info.default_value).toEqual({ data: 0 });
    // Counts from the graph (the gateway itself not counted); no value before anything sampled the topic.
    expect(volt).toMatchObject({ publisher_count: 1, subscriber_count: 0 });
    expect(volt).not.toHaveProperty('value');
    const cmd = r.body.items.find((i: any) => i.id === '/demo/cmd');
    expect(cmd['x-medkit'].ros2.direction).toBe('subscribe');
    expect(cmd).toMatchObject({ publisher_count: 0, subscriber_count: 1 });
    expect(r.body['x-medkit']).toMatchObject({ entity_id: 'battery_monitor', total_count: r.body.items.length });
  });

  it('reads the latest message with counts and a ns timestamp (encoded and raw slashes, no leading slash)', async () => {
    const before = Date.now();
    for (const path of ['%2Fdemo%2Fbattery%2Fvoltage', 'demo/battery/voltage', '/demo/battery/voltage'.replace(/^\//, '')]) {
      const r = await http(`${app()}/data/${path}`);
      expect(r.status).toBe(200);
      expect(r.body['x-medkit'].status).toBe('data');
      expect(typeof r.body.data.data).toBe('number');
      expect(r.body.data.data).toBeGreaterThan(19);
      expect(r.body['x-medkit'].publisher_count).toBe(1);
      expect(r.body['x-medkit'].ros2).toEqual({ topic: '/demo/battery/voltage', type: 'std_msgs/msg/Float64' });
      expect(r.body['x-medkit'].timestamp).toBeGreaterThan((before - 60_000) * 1e6);
    }
  });

  it('shows the message a read cached on the list item, with its time, as the reference UI reads it', async () => {
    const read = await http(`${app()}/data/demo%2Fbattery%2Fvoltage`);
    expect(read.status).toBe(200);
    const list = await http(`${app()}/data`);
    const volt = list.body.items.find((i: any) => i.id === '/demo/battery/voltage');
    // The reference UI's topic view: `${publisher_count} pub / ${subscriber_count} sub`, then the value or "No data".
    const view = `${volt.publisher_count} pub / ${volt.subscriber_count} sub / ${volt.value === undefined ? 'No data' : typeof volt.value.data}`;
    expect(view).toBe('1 pub / 0 sub / number');
    expect(volt.value.data).toBeGreaterThan(19);
    expect(volt['x-medkit'].timestamp).toBeGreaterThanOrEqual(read.body['x-medkit'].timestamp);
    expect(typeof volt['x-medkit'].stale).toBe('boolean');
    // Lists never sample: the topic nobody read has no value.
    expect(list.body.items.find((i: any) => i.id === '/demo/cmd')).not.toHaveProperty('value');
  });

  it('publishes a validated message that the node receives', async () => {
    const r = await http(`${app()}/data/demo%2Fcmd`, { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 'hello robot' } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'demo%2Fcmd'.replace('%2F', '/'), data: { data: 'hello robot' }, 'x-medkit': { status: 'published', entity_id: 'battery_monitor' } });
    await robot.waitForLine(/^cmd hello robot$/);
  });

  it('rejects a message of the wrong shape naming the failing field', async () => {
    const r = await http(`${app()}/data/demo%2Fcmd`, { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 42 } } });
    expect(r.status).toBe(400);
    expect(r.body.error_code).toBe('invalid-request');
    expect(r.body.parameters.field).toBe('/data');
    const bad = await http(`${app()}/data/demo%2Fcmd`, { method: 'PUT', json: { type: 'std_msgs/String', data: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('invalid-parameter');
    const missing = await http(`${app()}/data/demo%2Fcmd`, { method: 'PUT', json: { data: {} } });
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe('invalid-request');
    const wrongType = await http(`${app()}/data/demo%2Fcmd`, { method: 'PUT', json: { type: 'std_msgs/msg/Float64', data: { data: 1 } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.parameters.expected).toEqual(['std_msgs/msg/String']);
  });

  it('streams a topic by its raw path too, and refuses a bad max_rate or an unknown topic as JSON before any stream', async () => {
    // Raw slashes: data/demo/battery/voltage/stream streams /demo/battery/voltage (no topic of that name ends in /stream).
    const raw = await openSse(`${app()}/data/demo/battery/voltage/stream?max_rate=2`);
    try {
      expect(raw.status).toBe(200);
      let m = await raw.next(10_000);
      while (m.event !== 'sample') m = await raw.next(10_000);
      expect(JSON.parse(m.data)).toMatchObject({ data: { data: expect.any(Number) }, timestamp: expect.any(Number), stats: { received: expect.any(Number), dropped: 0 } });
    } finally {
      raw.close();
    }
    const bad = await openSse(`${app()}/data/demo%2Fbattery%2Fvoltage/stream?max_rate=31`);
    expect([bad.status, (bad.errorBody as { error_code?: string }).error_code]).toEqual([400, 'invalid-parameter']);
    const badRaw = await openSse(`${app()}/data/demo/battery/voltage/stream?max_rate=0`);
    expect([badRaw.status, (badRaw.errorBody as { error_code?: string }).error_code]).toEqual([400, 'invalid-parameter']);
    const unknown = await openSse(`${app()}/data/no%2Fsuch/stream`);
    expect(unknown.status).toBe(404);
  });

  it("builds read and write bodies that are exactly their route's schema (a field it lacks would be dropped unseen; issue 58)", async () => {
    const services = g.gateway.ctx.services;
    const entity = services.get(ENTITIES_SERVICE).cache.get('app', 'battery_monitor');
    expect(entity).toBeDefined();
    const ref = { type: 'app' as const, entity: entity! };
    const read = await services.get(DATA_SERVICE).read(ref, '/demo/battery/voltage');
    expect(read['x-medkit']).toMatchObject({ status: 'data' });
    expect(shapeProblems(DataValueSchema, [], read)).toEqual([]);
    const written = await services.get(DATA_SERVICE).write(ref, '/demo/cmd', { type: 'std_msgs/msg/String', data: { data: 'shape' } });
    expect(written['x-medkit']).toMatchObject({ status: 'published' });
    expect(shapeProblems(DataValueSchema, [], written)).toEqual([]);
  });

  it('answers 404 for an unknown data id', async () => {
    const r = await http(`${app()}/data/no%2Fsuch%2Ftopic`);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-ros2-topic-unavailable', parameters: { entity_id: 'battery_monitor', topic_name: '/no/such/topic' } });
  });

  it('answers data-categories and data-groups (by namespace) from the data list', async () => {
    const list = (await http(`${app()}/data`)).body.items as { id: string }[];
    const c = await http(`${app()}/data-categories`);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ items: [{ item: 'currentData', 'x-medkit': { item_count: list.length } }] });
    const groups = await http(`${app()}/data-groups`);
    expect(groups.status).toBe(200);
    const battery = groups.body.items.find((x: { id: string }) => x.id === '/demo/battery');
    expect(battery).toEqual({ id: '/demo/battery', category: 'currentData', 'x-medkit': { data_ids: ['/demo/battery/voltage'] } });
    const demo = groups.body.items.find((x: { id: string }) => x.id === '/demo');
    expect(demo['x-medkit'].data_ids).toContain('/demo/cmd');
    // Every listed item is in exactly one group.
    expect(groups.body.items.flatMap((x: { 'x-medkit': { data_ids: string[] } }) => x['x-medkit'].data_ids).sort()).toEqual(list.map((i) => i.id).sort());
    expect((await http(`${app()}/data-groups?category=currentData`)).body).toEqual(groups.body);
    expect((await http(`${app()}/data-groups?category=identData`)).body).toEqual({ items: [] });
    // The function aggregates the same topics.
    expect((await http(`${g.url}/api/v1/functions/demo/data-categories`)).body.items[0].item).toBe('currentData');
    // Bad input: 4xx.
    for (const q of ['category=', `category=${'c'.repeat(300)}`]) {
      const bad = await http(`${app()}/data-groups?${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.body.error_code, q).toBe('invalid-parameter');
    }
    expect((await http(`${g.url}/api/v1/apps/nobody/data-categories`)).status).toBe(404);
  });

  it('aggregates on the function and the host component, and qualifies by member', async () => {
    const f = await http(`${g.url}/api/v1/functions/demo/data`);
    expect(f.status).toBe(200);
    expect(f.body['x-medkit']).toMatchObject({ aggregated: true, aggregation_level: 'function', aggregation_sources: ['battery_monitor'] });
    const item = f.body.items.find((i: any) => i.id === '/demo/battery/voltage');
    expect(item['x-medkit'].member_ids).toEqual(['battery_monitor']);
    const q = await http(`${g.url}/api/v1/functions/demo/data/battery_monitor:demo%2Fbattery%2Fvoltage`);
    expect(q.status).toBe(200);
    expect(q.body.id).toBe('battery_monitor:demo/battery/voltage');
    const unknownMember = await http(`${g.url}/api/v1/functions/demo/data/nobody:demo%2Fbattery%2Fvoltage`);
    expect(unknownMember.status).toBe(404);
    expect(unknownMember.body.error_code).toBe('resource-not-found');
  });
});

describe('deliberate writes (issue 56)', () => {
  const voltage = () => `${app()}/data/demo%2Fbattery%2Fvoltage`;
  const float = (confirm?: unknown) => ({ type: 'std_msgs/msg/Float64', data: { data: 1.5 }, ...(confirm === undefined ? {} : { confirm }) });

  it('asks confirmation to write a topic another node publishes, naming the topic and its publishers', async () => {
    const list = (await http(`${app()}/data`)).body.items;
    const publishers = list.find((i: any) => i.id === '/demo/battery/voltage')['x-medkit'].publishers as string[];
    expect(publishers).toHaveLength(1);
    expect(publishers[0]).toMatch(/battery_monitor$/);
    expect(list.find((i: any) => i.id === '/demo/cmd')['x-medkit'].publishers).toEqual([]);

    const refused = await http(voltage(), { method: 'PUT', json: float() });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error_code: 'precondition-not-fulfilled',
      parameters: { entity_id: 'battery_monitor', topic_name: '/demo/battery/voltage', publishers, confirm_field: 'confirm' },
    });
    expect(refused.body.message).toContain(`${publishers[0]} publishes it`);
    // A confirmation of another topic, or of no topic in particular, is not one.
    for (const wrong of ['/demo/cmd', '*', '/demo/battery', '/DEMO/BATTERY/VOLTAGE']) {
      const r = await http(voltage(), { method: 'PUT', json: float(wrong) });
      expect(r.status, wrong).toBe(400);
      expect(r.body.error_code).toBe('invalid-parameter');
    }
    // Not a string: the body schema refuses it (400, never a 500).
    for (const wrong of [true, 1, ['/demo/battery/voltage'], 'x'.repeat(300)]) expect((await http(voltage(), { method: 'PUT', json: float(wrong) })).status).toBe(400);
    const ok = await http(voltage(), { method: 'PUT', json: float('/demo/battery/voltage') });
    expect(ok.status).toBe(200);
    expect(ok.body['x-medkit'].status).toBe('published');
    // Through an aggregate and a member-qualified id the confirmation still names the topic.
    const fn = `${g.url}/api/v1/functions/demo/data/battery_monitor:demo%2Fbattery%2Fvoltage`;
    expect((await http(fn, { method: 'PUT', json: float() })).status).toBe(409);
    expect((await http(fn, { method: 'PUT', json: float('demo/battery/voltage') })).status).toBe(200);
  });

  it('limits writes to data.write.allow (403 naming the key) and asks confirmation on data.write.confirm_patterns', async () => {
    const strict = await startRosGateway(DOMAIN, [createDataFeature()], { 'data.write.allow': ['/demo/cmd'], 'data.write.confirm_patterns': ['*/cmd'] });
    try {
      await waitForApp(strict, 'battery_monitor');
      const at = (topic: string) => `${strict.url}/api/v1/apps/battery_monitor/data/${encodeURIComponent(topic)}`;
      await eventually(async () => ((await http(at('/demo/cmd'), { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 'x' } } })).status === 409 ? true : undefined), 'topic on the strict gateway');
      // Outside the allowlist: 403 before any confirmation is asked, even with one.
      for (const confirm of [undefined, '/demo/battery/voltage']) {
        const r = await http(at('/demo/battery/voltage'), { method: 'PUT', json: float(confirm) });
        expect(r.status).toBe(403);
        expect(r.body).toMatchObject({ error_code: 'forbidden', parameters: { key: 'data.write.allow', topic_name: '/demo/battery/voltage', allowed: ['/demo/cmd'] } });
        expect(r.body.message).toContain('data.write.allow');
      }
      // Inside it, a command pattern asks confirmation (the first gateway's publisher from the writes above, another
      // process here, is named too).
      const cmd = await http(at('/demo/cmd'), { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 'x' } } });
      expect(cmd.body).toMatchObject({ error_code: 'precondition-not-fulfilled', parameters: { topic_name: '/demo/cmd', matched_pattern: '*/cmd', key: 'data.write.confirm_patterns' } });
      expect(cmd.body.message).toContain("it matches data.write.confirm_patterns '*/cmd'");
      const ok = await http(at('/demo/cmd'), { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 'deliberate' }, confirm: '/demo/cmd' } });
      expect(ok.status).toBe(200);
      await robot.waitForLine(/^cmd deliberate$/);
    } finally {
      await strict.close();
    }
  });
});

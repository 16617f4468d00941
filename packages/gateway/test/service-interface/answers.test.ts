// The SOVD service interface's answers (docs/service-interface.md) against a real gateway without ROS (example AMR
// manifest): EntityInfo, capabilities and Fault messages are what the REST routes say; hostile requests (unknown
// types, ids that are not ids, huge strings, too many keys) and failing reads get success=false with a bounded
// message, never a throw; the prefix key refuses start-up on a name ROS would not accept; the served node answers
// a malformed request, a throwing source and a flood of data requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SovdError } from '@medkit/sovd';
import { Verbatim } from '@medkit/server';
import type { RosNode, ServiceHandler, ServiceServerOptions } from '@medkit/ros2';
import { loadConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/gateway.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import type { DataService } from '../../src/data/service.js';
import { ENTITIES_SERVICE, ENTITY_CAPABILITIES_SERVICE } from '../../src/entities/service.js';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import {
  faultMsgFromItem, getCapabilities, getEntityData, LIMITS, listEntities, listEntityFaults, type ServiceInterfaceSources,
} from '../../src/service-interface/answers.js';
import { MAX_DATA_REQUESTS_IN_FLIGHT, serveServiceInterface } from '../../src/service-interface/serve.js';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

let g: FaultGateway;
let src: ServiceInterfaceSources;

beforeAll(async () => {
  g = await startFaultGateway();
  const ctx = g.gateway.ctx;
  src = {
    entities: () => ctx.services.get(ENTITIES_SERVICE).cache,
    capabilitiesOf: ctx.services.get(ENTITY_CAPABILITIES_SERVICE),
    serverCapabilities: () => Object.entries(ctx.capabilities.toJSON()).filter(([, on]) => on).map(([n]) => n),
    faults: ctx.services.get(FAULTS_SERVICE),
  };
});
afterAll(() => g?.close());

type Info = { id: string; name: string; entity_type: string; parent_id: string; fqn: string; capabilities: string[] };
const entities = (req: Record<string, unknown>) => listEntities(src, req).entities as Info[];

describe('list_entities', () => {
  it('lists every entity as EntityInfo: parent and ROS name by type, capabilities as the REST detail lists them', async () => {
    const all = entities({ entity_type: '', parent_id: '' });
    // Subareas and subcomponents included (the REST collections list top-level ones).
    expect(all).toHaveLength(g.gateway.ctx.services.get(ENTITIES_SERVICE).cache.size());
    const app = all.find((e) => e.id === 'battery-monitor')!;
    expect(app).toMatchObject({ entity_type: 'app', parent_id: 'battery-pack', fqn: '/base/battery_monitor' });
    const detail = (await g.api('GET', '/apps/battery-monitor')).body;
    expect(app.name).toBe(detail.name);
    expect(app.capabilities).toEqual(detail.capabilities.map((c: { name: string }) => c.name));
    expect(all.find((e) => e.id === 'power')).toMatchObject({ entity_type: 'area', parent_id: 'base', fqn: '/base/power' });
    expect(all.find((e) => e.id === 'gpu-module')).toMatchObject({ entity_type: 'component', parent_id: 'main-computer' });
    expect(all.find((e) => e.id === 'main-computer')).toMatchObject({ entity_type: 'component', parent_id: 'base' });
    expect(all.find((e) => e.id === 'locomotion')).toMatchObject({ entity_type: 'function', parent_id: '', fqn: '' });
    const fn = (await g.api('GET', '/functions/locomotion')).body;
    expect(all.find((e) => e.id === 'locomotion')!.capabilities).toEqual(fn.capabilities.map((c: { name: string }) => c.name));
  });

  it('narrows by type and by parent ("" = no filter, as the reference does)', async () => {
    const apps = entities({ entity_type: 'app', parent_id: '' });
    expect(apps.map((e) => e.id).sort()).toEqual(((await g.api('GET', '/apps')).body.items as { id: string }[]).map((i) => i.id).sort());
    expect(entities({ entity_type: 'app', parent_id: 'main-computer' }).map((e) => e.id).sort()).toEqual(['bt-navigator', 'controller-server', 'planner-server', 'safety-gate']);
    expect(entities({ entity_type: '', parent_id: 'base' }).map((e) => `${e.entity_type}:${e.id}`).sort()).toEqual(['area:power', 'component:drive-controller', 'component:main-computer']);
    expect(entities({ entity_type: 'function', parent_id: 'base' })).toEqual([]);
  });

  it('refuses an unknown type and a parent that is not an id, quoting at most 64 characters of it', () => {
    expect(listEntities(src, { entity_type: 'robot', parent_id: '' })).toMatchObject({ success: false, error_message: expect.stringContaining('unknown entity_type "robot"') });
    const huge = 'x/'.repeat(500_000);
    const r = listEntities(src, { entity_type: '', parent_id: huge });
    expect(r.success).toBe(false);
    expect(r.error_message).toMatch(/^invalid parent_id "(x\/){32}…": 1 to 256 characters/);
    expect(r.error_message.length).toBeLessThan(200);
    expect(listEntities(src, { entity_type: 'app\u0000', parent_id: '' }).error_message).toContain('"app\\u0000"');
  });
});

describe('get_capabilities', () => {
  it('gives the server flags of GET / for "" and the detail capabilities of an entity', async () => {
    const root = (await g.api('GET', '/')).body;
    const server = getCapabilities(src, { entity_id: '' });
    expect(server).toMatchObject({ success: true, error_message: '', resource_types: ['areas', 'components', 'apps', 'functions'] });
    expect(server.capabilities).toEqual(Object.entries(root.capabilities).filter(([, on]) => on).map(([n]) => n));
    expect(server.capabilities).toContain('faults');
    const comp = getCapabilities(src, { entity_id: 'main-computer' });
    expect(comp.capabilities).toEqual((await g.api('GET', '/components/main-computer')).body.capabilities.map((c: { name: string }) => c.name));
    expect(comp.resource_types).toEqual([]);
  });

  it('answers an unknown or invalid entity with success=false', () => {
    expect(getCapabilities(src, { entity_id: 'nobody' })).toEqual({ success: false, error_message: 'Entity not found: "nobody"' });
    expect(getCapabilities(src, { entity_id: '../apps' }).error_message).toMatch(/^invalid entity_id/);
  });
});

describe('list_entity_faults', () => {
  it('lists the faults GET /{entity}/faults lists, as Fault.msg', async () => {
    g.fail('SI_OVERHEAT', '/base/battery_monitor', 2, 'pack too hot');
    g.fail('SI_LIDAR_DIRTY', '/sensors/lidar_driver', 1, 'window dirty');
    const r = await listEntityFaults(src, { entity_id: 'battery-monitor' });
    expect(r).toMatchObject({ success: true, error_message: '' });
    const faults = r.faults as Record<string, unknown>[];
    const rest = (await g.api('GET', '/apps/battery-monitor/faults')).body.items as { fault_code: string; status: string }[];
    expect(faults.map((f) => f.fault_code)).toEqual(rest.map((i) => i.fault_code));
    expect(faults.map((f) => f.status)).toEqual(rest.map((i) => i.status));
    expect(faults.find((f) => f.fault_code === 'SI_OVERHEAT')).toMatchObject({
      severity: 2, description: 'pack too hot', occurrence_count: 1, reporting_sources: ['/base/battery_monitor'],
      first_occurred: { sec: expect.any(Number), nanosec: expect.any(Number) }, last_passed: { sec: 0, nanosec: 0 },
    });
    // A component aggregates its apps; an area with none of the sources lists nothing.
    expect(((await listEntityFaults(src, { entity_id: 'battery-pack' })).faults as { fault_code: string }[]).map((f) => f.fault_code)).toContain('SI_OVERHEAT');
    expect((await listEntityFaults(src, { entity_id: 'navigation' })).faults).toEqual([]);
  });

  it('answers unknown entities and a missing fault manager with success=false', async () => {
    expect(await listEntityFaults(src, { entity_id: 'ghost' })).toEqual({ success: false, error_message: 'Entity not found: "ghost"' });
    expect(await listEntityFaults({ ...src, faults: undefined }, { entity_id: 'battery-monitor' })).toMatchObject({ success: false, error_message: 'the fault manager is not available' });
  });

  it("answers a plugin-owned entity from its plugin's list", async () => {
    const owned = () => ({ list: async () => new Verbatim({ items: [{ fault_code: 'PLC_LOW', severity: 1, description: 'tank low', 'x-medkit': { status: 'CONFIRMED' } }, 'junk'] }) });
    const r = await listEntityFaults({ ...src, ownedFaults: owned as never }, { entity_id: 'safety-plc-link' });
    expect(r).toMatchObject({ success: true, faults: [{ fault_code: 'PLC_LOW', severity: 1, description: 'tank low', status: 'CONFIRMED' }] });
  });

  it("maps a plugin's REST fault items leniently", () => {
    expect(faultMsgFromItem({ code: 'PLC_1', severity: 7, description: 'x', status: 'CONFIRMED', occurrence_count: -3, first_occurred: 1.5, reporting_sources: ['a', 3] })).toEqual({
      fault_code: 'PLC_1', severity: 7, description: 'x', status: 'CONFIRMED', occurrence_count: 0, reporting_sources: ['a'],
      first_occurred: { sec: 1, nanosec: 500_000_000 }, last_occurred: { sec: 0, nanosec: 0 }, last_passed: { sec: 0, nanosec: 0 },
    });
    expect(faultMsgFromItem({ fault_code: 'F', severity: 'high', 'x-medkit': { status: 'HEALED' } })).toMatchObject({ fault_code: 'F', severity: 0, status: 'HEALED' });
  });
});

/** A data service answering from a table: a value, or an error to throw. */
function fakeData(items: Record<string, unknown>): DataService {
  return {
    listIds: () => Object.keys(items).map((id) => ({ id, category: 'currentData' })),
    read: async (_ref: unknown, id: string) => {
      const v = items[id];
      if (v instanceof Error) throw v;
      if (!(id in items)) throw new SovdError('x-medkit-ros2-topic-unavailable', 'Topic not found', {});
      return { id, data: v, 'x-medkit': {} };
    },
  } as unknown as DataService;
}

describe('get_entity_data', () => {
  const data = (items: Record<string, unknown>, req: Record<string, unknown>) => getEntityData({ ...src, data: fakeData(items) }, { entity_id: 'battery-monitor', data_keys: [], ...req });

  it('reads every item (or the named ones) into data_json keyed by data id', async () => {
    const items = { '/base/battery': { voltage: 23.8 }, '/base/temp': { data: 41 } };
    expect(await data(items, {})).toEqual({ success: true, error_message: '', data_json: '{"/base/battery":{"voltage":23.8},"/base/temp":{"data":41}}' });
    expect(JSON.parse((await data(items, { data_keys: ['/base/temp', '/base/temp'] })).data_json as string)).toEqual({ '/base/temp': { data: 41 } });
  });

  it('keeps what it read and names what it could not: unknown keys, failed reads, values past the data_json bound', async () => {
    const r = await data({ '/a': { x: 1 }, '/b': new SovdError('x-medkit-cold-wait-cap-exceeded', 'Too many reads are waiting', {}) }, { data_keys: ['/a', '/b', '/c'] });
    expect(r.success).toBe(false);
    expect(JSON.parse(r.data_json as string)).toEqual({ '/a': { x: 1 } });
    expect(r.error_message).toBe('2 of 3 data items not read: "/b": Too many reads are waiting; "/c": Topic not found');
    const big = 'v'.repeat(LIMITS.maxDataJsonChars / 2);
    const sized = await data({ '/one': big, '/two': big, '/three': 'small' }, {});
    expect(Object.keys(JSON.parse(sized.data_json as string))).toEqual(['/one', '/three']);
    expect(sized.error_message).toContain('"/two": left out, data_json would exceed');
  });

  it("reads a plugin-owned entity's items through its plugin", async () => {
    const owned = () => ({
      list: async () => new Verbatim({ items: [{ id: 'level' }, { id: 'temp' }] }),
      read: async (id: string) => new Verbatim(id === 'level' ? { id, data: 0.42 } : { id, value: 'no data field' }),
    });
    expect(await getEntityData({ ...src, ownedData: owned as never }, { entity_id: 'safety-plc-link', data_keys: [] })).toEqual({
      success: true, error_message: '', data_json: '{"level":0.42,"temp":{"id":"temp","value":"no data field"}}',
    });
  });

  it('refuses hostile requests before reading anything', async () => {
    const none = { success: false, data_json: '{}' };
    expect(await data({}, { entity_id: 'x'.repeat(1 << 20) })).toMatchObject({ ...none, error_message: expect.stringMatching(/^invalid entity_id "x{64}…"/) });
    expect(await data({}, { entity_id: 'ghost' })).toMatchObject({ ...none, error_message: 'Entity not found: "ghost"' });
    expect(await data({}, { data_keys: Array.from({ length: LIMITS.maxDataKeys + 1 }, (_, i) => `/t${i}`) })).toMatchObject({ ...none, error_message: `65 data_keys, at most 64 per request` });
    expect(await data({}, { data_keys: ['/ok', `/${'k'.repeat(300)}`] })).toMatchObject({ ...none, error_message: expect.stringMatching(/is longer than 256 characters$/) });
    expect(await data({}, { data_keys: [''] })).toMatchObject({ ...none, error_message: 'an empty data key' });
    const many = Object.fromEntries(Array.from({ length: LIMITS.maxDataItems + 1 }, (_, i) => [`/t${i}`, {}]));
    expect(await data(many, {})).toMatchObject({ ...none, error_message: expect.stringContaining('has 65 data items, more than the 64 one request reads: name them in data_keys') });
    expect(await getEntityData(src, { entity_id: 'battery-monitor', data_keys: [] })).toMatchObject({ ...none, error_message: 'data access is not available' });
  });
});

describe('the served node', () => {
  /** A RosNode stand-in that keeps what createService was given. */
  function fakeNode() {
    const served = new Map<string, { type: string; handler: ServiceHandler; opts?: ServiceServerOptions; closed: boolean }>();
    const node = {
      createService(service: string, type: string, handler: ServiceHandler, opts?: ServiceServerOptions) {
        const entry = { type, handler, opts, closed: false };
        served.set(service, entry);
        return { service, stats: {}, close: () => (entry.closed = true) };
      },
    } as unknown as RosNode;
    return { node, served };
  }
  const info = {} as never;

  it('serves the four services under the prefix with their ros2_medkit_msgs types and answers malformed requests', async () => {
    const { node, served } = fakeNode();
    const s = serveServiceInterface(node, '/robot1/medkit', src, { error: () => {} });
    expect(s.names).toEqual(['/robot1/medkit/list_entities', '/robot1/medkit/list_entity_faults', '/robot1/medkit/get_capabilities', '/robot1/medkit/get_entity_data']);
    expect([...served.values()].map((e) => e.type)).toEqual(['ListEntities', 'ListFaultsForEntity', 'GetCapabilities', 'GetEntityData'].map((t) => `ros2_medkit_msgs/srv/${t}`));
    expect(served.get('/robot1/medkit/get_capabilities')!.opts!.badRequestResponse!('payload ends inside field entity_id')).toEqual({
      success: false, error_message: 'malformed GetCapabilities request: payload ends inside field entity_id',
    });
    expect(served.get('/robot1/medkit/get_entity_data')!.opts!.badRequestResponse!('x')).toEqual({ success: false, error_message: 'malformed GetEntityData request: x', data_json: '{}' });
    expect(await served.get('/robot1/medkit/get_capabilities')!.handler({ entity_id: 'main-computer' }, info)).toMatchObject({ success: true });
    s.close();
    expect([...served.values()].every((e) => e.closed)).toBe(true);
  });

  it('answers a failing source with success=false and logs it; answers "busy" past the in-flight data requests', async () => {
    const { node, served } = fakeNode();
    const errors: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { listIds: () => [{ id: '/t', category: 'currentData' }], read: async () => (await gate, { id: '/t', data: { x: 1 } }) } as unknown as DataService;
    const s = serveServiceInterface(node, '/medkit', { ...src, entities: () => { throw new Error('cache gone'); }, data: slow }, { error: (m) => errors.push(m) });
    expect(await served.get('/medkit/list_entities')!.handler({ entity_type: '', parent_id: '' }, info)).toEqual({ success: false, error_message: 'internal error: cache gone' });
    expect(errors).toEqual(['service interface /medkit/list_entities failed: cache gone']);
    s.close();

    const { node: node2, served: served2 } = fakeNode();
    const s2 = serveServiceInterface(node2, '/medkit', { ...src, data: slow }, { error: () => {} });
    const call = () => served2.get('/medkit/get_entity_data')!.handler({ entity_id: 'battery-monitor', data_keys: [] }, info) as Promise<Record<string, unknown>>;
    const pending = Array.from({ length: MAX_DATA_REQUESTS_IN_FLIGHT }, call);
    expect(await call()).toMatchObject({ success: false, error_message: expect.stringMatching(/^busy: 4 GetEntityData requests/), data_json: '{}' });
    release();
    for (const r of await Promise.all(pending)) expect(r).toEqual({ success: true, error_message: '', data_json: '{"/t":{"x":1}}' });
    expect(await call()).toMatchObject({ success: true });
    s2.close();
  });
});

describe('configuration', () => {
  const load = (flags: Record<string, unknown>) => loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });

  it('is off by default under /medkit; a prefix ROS would not accept refuses start-up naming the key and the rule', () => {
    const c = load({});
    expect(c.effective('ros.service_interface.enabled')).toBe(false);
    expect(c.effective('ros.service_interface.prefix')).toBe('/medkit');
    expect(load({ 'ros.service_interface.prefix': '/robot_1/medkit' }).effective('ros.service_interface.prefix')).toBe('/robot_1/medkit');
    for (const [bad, why] of [
      ['medkit', /must start with '\/'/],
      ['/', /the root is not a prefix/],
      ['/medkit/', /must not end with '\/'/],
      ['/med kit', /contains ' '/],
      ['/1robot', /starts with a digit/],
      [`/${'p'.repeat(229)}`, /would be longer than 247 characters/],
    ] as const) {
      expect(() => load({ 'ros.service_interface.prefix': bad }), bad).toThrow(new RegExp(`ros\\.service_interface\\.prefix=.*is invalid: .*${why.source}.*\\(allowed: an absolute ROS name.*\\); refusing to start`));
    }
  });

  it('refuses to start when enabled without ROS', async () => {
    const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'logging.level': 'silent', 'ros.enabled': false, 'ros.service_interface.enabled': true, data_dir: g.dataDir } });
    await expect(createGateway({ config, features: defaultFeatures(config) })).rejects.toThrow(/ros\.service_interface\.enabled needs the ROS connection, but ros\.enabled is false/);
  });
});

// The SOVD service interface called by real ROS 2 clients: small programs built in the test with Debian's Cyclone
// DDS and Fast DDS from IDL generated out of the ros2_medkit_msgs .srv/.msg files (peers/), each using its
// vendor's rmw conventions (rq/<service>Request, rr/<service>Reply, ros2_medkit_msgs::srv::dds_::X_Request_).
// Against a gateway in runtime discovery with a talker peer of the same vendor (an entity with a data value) and
// a fault reported for it, every service answers what the REST routes say; an unknown entity, a 100 kB entity id
// and a request that does not decode are answered with success=false. Domains testDomain(58) (Cyclone) and
// testDomain(59) (Fast DDS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RosContext, TypeRegistry } from '@medkit/ros2';
import { CYCLONE, FASTDDS, describeWith } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
import { buildClient, callService, type ClientVendor } from './peers/clients.js';

const PREFIX = '/robot7/medkit';
const names = (caps: { name: string }[]) => caps.map((c) => c.name);

function interopSuite(vendor: ClientVendor & PeerVendor, domain: number): void {
  let g: FaultGateway;
  let appId: string;
  const call = (service: string, args: string[]) => callService(vendor, domain, `${PREFIX}/${service}`, service, args);

  beforeAll(async () => {
    // One at a time: the machines have 2 cores and a C++ build alone uses one fully.
    await buildPeer(vendor);
    await buildClient(vendor);
    g = await startFaultGateway({
      flags: {
        'ros.enabled': true, 'ros.domain_id': domain, 'ros.localhost_only': true, 'discovery.mode': 'runtime_only',
        'ros.service_interface.enabled': true, 'ros.service_interface.prefix': PREFIX,
      },
    });
    await spawnPeer(vendor, 'talker', { domain, node: 'si_talker', ns: '/si', count: 0, periodMs: 200 });
    appId = await until(async () => {
      const items = (await g.api('GET', '/apps')).body.items as { id: string; 'x-medkit': { ros2?: { node?: string } } }[];
      return items.find((a) => a['x-medkit'].ros2?.node === '/si/si_talker')?.id;
    }, 'the talker app', 20_000);
    // The data read the service gives is the REST read: wait until it has a message.
    await until(async () => {
      const r = await g.api('GET', `/apps/${appId}/data/chatter`);
      return r.status === 200 && String(r.body.data?.data ?? '').startsWith('Hello World') ? true : undefined;
    }, 'a chatter message over REST', 20_000);
    g.fail('SI_PEER_FAULT', '/si/si_talker', 2, `reported for the ${vendor} client`);
  }, 300_000);
  afterAll(async () => {
    await killAllPeers();
    await g?.close();
  });

  it(`${vendor}: list_entities lists the tree as EntityInfo, narrowed by type`, async () => {
    const all = await call('list_entities', ['', '']);
    expect(all).toMatchObject({ success: true, error_message: '' });
    const app = all.entities.find((e) => e.id === appId)!;
    const detail = (await g.api('GET', `/apps/${appId}`)).body;
    expect(app).toEqual({ id: appId, name: detail.name, type: 'app', parent: detail['x-medkit'].component_id ?? '', fqn: '/si/si_talker', caps: names(detail.capabilities) });
    expect(all.entities.map((e) => e.type)).toEqual(expect.arrayContaining(['component', 'app']));
    const apps = await call('list_entities', ['app', '']);
    expect(apps.entities.map((e) => e.id).sort()).toEqual(((await g.api('GET', '/apps')).body.items as { id: string }[]).map((a) => a.id).sort());
    expect((await call('list_entities', ['robot', ''])).error_message).toBe('unknown entity_type "robot": app, component, area, function, or "" for all');
  }, 60_000);

  it(`${vendor}: list_entity_faults gives the entity's faults as Fault.msg`, async () => {
    const r = await call('list_entity_faults', [appId]);
    expect(r).toMatchObject({ success: true, error_message: '' });
    const rest = (await g.api('GET', `/apps/${appId}/faults`)).body.items as { fault_code: string; status: string; first_occurred: number }[];
    expect(r.faults.map((f) => f.code)).toEqual(rest.map((f) => f.fault_code));
    expect(r.faults[0]).toEqual({
      code: 'SI_PEER_FAULT', severity: 2, status: rest[0].status, count: 1, sources: ['/si/si_talker'], first_sec: Math.floor(rest[0].first_occurred),
      description: `reported for the ${vendor} client`,
    });
    expect(await call('list_entity_faults', ['nobody'])).toMatchObject({ success: false, error_message: 'Entity not found: "nobody"', faults: [] });
  }, 60_000);

  it(`${vendor}: get_capabilities gives the server's flags and an entity's detail capabilities`, async () => {
    const server = await call('get_capabilities', ['']);
    const root = (await g.api('GET', '/')).body;
    expect(server).toMatchObject({ success: true, resource_types: ['areas', 'components', 'apps', 'functions'] });
    expect(server.capabilities).toEqual(Object.entries(root.capabilities).filter(([, on]) => on).map(([n]) => n));
    const app = await call('get_capabilities', [appId]);
    expect(app).toMatchObject({ success: true, capabilities: names((await g.api('GET', `/apps/${appId}`)).body.capabilities), resource_types: [] });
    // A 100 kB id: refused with a bounded message, not echoed.
    const huge = await call('get_capabilities', ['x'.repeat(100_000)]);
    expect(huge.success).toBe(false);
    expect(huge.error_message).toMatch(/^invalid entity_id "x{64}…": 1 to 256 characters/);
  }, 60_000);

  it(`${vendor}: get_entity_data gives the latest message of the entity's topics`, async () => {
    const all = await call('get_entity_data', [appId]);
    expect(all).toMatchObject({ success: true, error_message: '' });
    const data = JSON.parse(all.data_json!) as Record<string, { data?: string }>;
    expect(Object.keys(data)).toContain('/chatter');
    expect(data['/chatter'].data).toMatch(/^Hello World: \d+$/);
    const one = await call('get_entity_data', [appId, '/chatter']);
    expect(Object.keys(JSON.parse(one.data_json!))).toEqual(['/chatter']);
    const missing = await call('get_entity_data', [appId, '/chatter', '/no_such_topic']);
    expect(missing.success).toBe(false);
    expect(missing.error_message).toBe('1 of 2 data items not read: "/no_such_topic": Topic not found');
    expect(Object.keys(JSON.parse(missing.data_json!))).toEqual(['/chatter']);
  }, 60_000);

  it(`${vendor} domain: a request that does not decode is answered with success=false`, async () => {
    // A client whose GetCapabilities request is one byte: the DDS type name is the same, the payload too short for a string.
    const types = TypeRegistry.default().withOverrides({
      'ros2_medkit_msgs/srv/GetCapabilities': 'uint8 x\n---\nbool success\nstring error_message\nstring[] capabilities\nstring[] resource_types',
    });
    const ctx = await RosContext.create({ domainId: domain, localhostOnly: true, types, rtps: { peerIndexCount: 12 } });
    try {
      const client = ctx.createNode('odd_client').createClient(`${PREFIX}/get_capabilities`, 'ros2_medkit_msgs/srv/GetCapabilities');
      const r = (await client.call({ x: 7 }, { timeoutMs: 15_000 })) as { success: boolean; error_message: string };
      expect(r.success).toBe(false);
      expect(r.error_message).toMatch(/^malformed GetCapabilities request: /);
    } finally {
      await ctx.close();
    }
  }, 60_000);
}

describeWith(CYCLONE, 'the SOVD service interface called by a Cyclone DDS client', () => interopSuite('cyclone', testDomain(58)));
describeWith(FASTDDS, 'the SOVD service interface called by a Fast DDS client', () => interopSuite('fastdds', testDomain(59)));

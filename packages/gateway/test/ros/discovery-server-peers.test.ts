// A gateway on a robot whose nodes use a Fast DDS Discovery Server (ROS_DISCOVERY_SERVER): a real `fastdds discovery`
// and Fast DDS 2.9 peers as its clients, the gateway configured with ros.discovery_server. The peers announce
// themselves to the server only, so everything the gateway shows came through it: the nodes as apps, a topic read,
// a service called; then the server killed (/health says it does not answer), restarted, and the graph back with a
// node that joined meanwhile. Also the key's syntax checks and the environment variable. Domain offset 231.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ROS_KEYS } from '../../src/config/keys.js';
import { createDataFeature } from '../../src/data/index.js';
import { createOperationsFeature } from '../../src/operations/index.js';
import { testDomain } from '../../../../test-support/domains.js';
import { clientEnv, discoveryServerPort, FASTDDS_DISCOVERY_SERVER, startDiscoveryServer, stopAllDiscoveryServers, type DiscoveryServerProcess } from '../../../../test-support/peers/discovery-server.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../../test-support/peers/harness.js';
import { eventually, firstServiceCall, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { describeWith, FASTDDS } from '../../../../test-support/requirements.js';

const domain = testDomain(231);
const port = discoveryServerPort(domain);

interface ServerField {
  id: number;
  address: string;
  guid_prefix: string;
  state: 'connected' | 'not_answering';
  since: string;
  last_heard?: string;
  participants_relayed: number;
}
interface Health {
  'x-medkit-ros': { discovery_servers?: ServerField[] };
  warnings: { code: string; message: string }[];
}

it('ros.discovery_server: ROS_DISCOVERY_SERVER syntax, bad values stop start-up naming the key and why, the variable read when the key is not set', () => {
  expect(loadConfig({ env: {}, flags: { 'ros.discovery_server': ';;10.0.0.5:11888' } }).read(ROS_KEYS, 'ros.discovery_server')).toBe(';;10.0.0.5:11888');
  expect(() => loadConfig({ env: {}, flags: { 'ros.discovery_server': '10.0.0.5:70000' } })).toThrow(/ros\.discovery_server="10\.0\.0\.5:70000" \(command line\) is invalid: .*port 70000 is out of range.*refusing to start/);
  expect(() => loadConfig({ env: {}, flags: { 'ros.discovery_server': 'robot_1:11811' } })).toThrow(/ros\.discovery_server=.*"robot_1" is neither an IPv4 address nor a host name/);
  expect(() => loadConfig({ env: {}, flags: { 'ros.discovery_server': Array(17).fill('10.0.0.1').join(';') } })).toThrow(/ros\.discovery_server=.*at most 16 are supported/);
  expect(loadConfig({ env: { ROS_DISCOVERY_SERVER: '127.0.0.1:11888' } }).read(ROS_KEYS, 'ros.discovery_server')).toBe('127.0.0.1:11888');
  expect(loadConfig({ env: { ROS_DISCOVERY_SERVER: '127.0.0.1:11888' }, flags: { 'ros.discovery_server': '10.0.0.7' } }).read(ROS_KEYS, 'ros.discovery_server')).toBe('10.0.0.7');
  expect(loadConfig({ env: {} }).read(ROS_KEYS, 'ros.discovery_server')).toBe('');
});

describeWith([...FASTDDS, ...FASTDDS_DISCOVERY_SERVER], 'a gateway whose robot uses a Fast DDS Discovery Server', () => {
  let g: TestGateway;
  let server: DiscoveryServerProcess;
  const health = async () => (await http(`${g.url}/api/v1/health`)).body as Health;
  const serverField = async () => (await health())['x-medkit-ros'].discovery_servers?.[0];
  const appIds = async () => ((await http(`${g.url}/api/v1/apps`)).body.items as { id: string }[]).map((a) => a.id);

  beforeAll(async () => {
    await buildPeer('fastdds');
    server = await startDiscoveryServer(0, port);
    await spawnPeer('fastdds', 'server', { domain, node: 'adder', ns: '/peer', env: clientEnv(port) });
    await spawnPeer('fastdds', 'talker', { domain, node: 'chatter_node', ns: '/peer', periodMs: 100, env: clientEnv(port) });
    // The server's lease (20 s announced) cut to 10 s so that its loss shows within the test.
    g = await startRosGateway(domain, [createDataFeature(), createOperationsFeature()], {
      'ros.discovery_server': `127.0.0.1:${port}`,
      'ros.participants.max_lease_sec': 10,
      service_call_timeout_sec: 5,
    });
  }, 300_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
    await stopAllDiscoveryServers();
  });

  it('lists the nodes, reads a topic and calls a service of the clients; /health shows the server connected', async () => {
    const s = await eventually(async () => {
      const f = await serverField();
      return f?.state === 'connected' ? f : undefined;
    }, 'the server connected on /health');
    expect(s).toMatchObject({ id: 0, address: `127.0.0.1:${port}`, guid_prefix: '4453005f4550524f53494d41' });
    await eventually(async () => {
      const ids = await appIds();
      return ids.includes('adder') && ids.includes('chatter_node');
    }, 'the clients as apps', 45_000);
    const data = await eventually(async () => {
      const x = await http(`${g.url}/api/v1/apps/chatter_node/data/chatter`);
      return x.status === 200 && x.body['x-medkit'].status === 'data' ? x : undefined;
    }, 'a sample of /chatter', 20_000);
    expect(data.body.data.data).toMatch(/^Hello World: \d+/);
    await eventually(async () => (await http(`${g.url}/api/v1/apps/adder/operations/add_two_ints`)).status === 200, 'the add_two_ints operation', 30_000);
    const r = await firstServiceCall(`${g.url}/api/v1/apps/adder/operations/add_two_ints/executions`, { a: 2, b: 40 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ parameters: { sum: 42 } });
    expect((await health()).warnings.map((w) => w.code)).not.toContain('ros_discovery_server_not_answering');
  }, 120_000);

  it('says on /health when the server stops answering, and recovers the graph when it is back', async () => {
    await server.stop('SIGKILL');
    const down = await eventually(async () => {
      const h = await health();
      const w = h.warnings.find((x) => x.code === 'ros_discovery_server_not_answering');
      return w && h['x-medkit-ros'].discovery_servers?.[0].state === 'not_answering' ? { h, w } : undefined;
    }, 'the not-answering warning', 40_000);
    expect(down.w.message).toContain(`0 at 127.0.0.1:${port}`);
    expect(down.h['x-medkit-ros'].discovery_servers![0].last_heard).toBeDefined();

    server = await startDiscoveryServer(0, port);
    await eventually(async () => (await serverField())?.state === 'connected', 'the server connected again', 30_000);
    // A node that joins after the outage is only known to the new server: seeing it proves the graph comes through again.
    await spawnPeer('fastdds', 'listener', { domain, node: 'late_listener', ns: '/peer', env: clientEnv(port) });
    await eventually(async () => (await appIds()).includes('late_listener'), 'the late node as an app', 45_000);
    await eventually(async () => !(await health()).warnings.some((w) => w.code === 'ros_discovery_server_not_answering'), 'the warning gone', 20_000);
    const r = await http(`${g.url}/api/v1/apps/adder/operations/add_two_ints/executions`, { method: 'POST', json: { parameters: { a: 1, b: 2 } } });
    expect(r.body).toEqual({ parameters: { sum: 3 } });
  }, 150_000);
});

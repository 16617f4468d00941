// Our participant as a super client of a real Fast DDS Discovery Server (`fastdds discovery`), with Fast DDS 2.9
// peers as its clients (ROS_DISCOVERY_SERVER): none of them multicasts or sweeps, so all we know comes through the
// server. Also: the server killed and restarted (same id and port), and gone for longer than its lease. Domain
// offset 230.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { DiscoveryServerStatus, Participant, Sample } from '../src/index.js';
import { discoveryServerPrefix, parseDiscoveryServerList } from '../src/index.js';
import { testDomain } from '../../../test-support/domains.js';
import { clientEnv, discoveryServerPort, FASTDDS_DISCOVERY_SERVER, startDiscoveryServer, stopAllDiscoveryServers } from '../../../test-support/peers/discovery-server.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../test-support/peers/harness.js';
import { describeWith, FASTDDS } from '../../../test-support/requirements.js';
import { cdrString, closeAll, participant, readCdrString, until } from './support/loopback.js';

const STRING = 'std_msgs::msg::dds_::String_';
const domain = testDomain(230);
const port = discoveryServerPort(domain);

/** Resolves with the next status of the server that satisfies `ok` (a `discoveryServer` event), or the current one. */
function serverState(p: Participant, ok: (s: DiscoveryServerStatus) => boolean, what: string, timeoutMs = 20_000): Promise<DiscoveryServerStatus> {
  const now = p.discoveryServers().find(ok);
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.off('discoveryServer', on);
      reject(new Error(`timed out waiting for the server to be ${what}: ${JSON.stringify(p.discoveryServers())}`));
    }, timeoutMs);
    const on = (s: DiscoveryServerStatus) => {
      if (!ok(s)) return;
      clearTimeout(timer);
      p.off('discoveryServer', on);
      resolve(s);
    };
    p.on('discoveryServer', on);
  });
}

/** A super client of the test's server that sends no SPDP of its own anywhere (no multicast, no unicast sweep). */
const superClient = (opts: { maxLeaseSec?: number } = {}) =>
  participant(domain, { userData: 'enclave=/;', peerIndexCount: 0, discoveryServers: [{ address: '127.0.0.1', port }], admission: { maxLeaseSec: opts.maxLeaseSec ?? 300 } });

it('parses ROS_DISCOVERY_SERVER lists and derives server prefixes (no server needed)', () => {
  expect(parseDiscoveryServerList('127.0.0.1:11811')).toEqual([{ address: '127.0.0.1', port: 11811, id: 0 }]);
  expect(parseDiscoveryServerList(';;robot-1.local;10.0.0.5:11888')).toEqual([
    { address: 'robot-1.local', port: 11811, id: 2 },
    { address: '10.0.0.5', port: 11888, id: 3 },
  ]);
  expect(() => parseDiscoveryServerList('10.0.0.5:70000')).toThrow(/out of range/);
  expect(() => parseDiscoveryServerList('10.0.0.256')).toThrow(/neither an IPv4 address nor a host name/);
  expect(() => parseDiscoveryServerList('bad host:1')).toThrow(/neither/);
  expect(() => parseDiscoveryServerList(Array(17).fill('10.0.0.1').join(';'))).toThrow(/at most 16/);
  expect(() => parseDiscoveryServerList('[::1]:11811')).toThrow(/only UDPv4/);
  expect(discoveryServerPrefix(0)).toBe('4453005f4550524f53494d41');
  expect(discoveryServerPrefix(17)).toBe('4453115f4550524f53494d41');
});

describeWith([...FASTDDS, ...FASTDDS_DISCOVERY_SERVER], 'super client of a Fast DDS Discovery Server', () => {
  beforeAll(async () => {
    await buildPeer('fastdds');
  }, 300_000);
  afterEach(async () => {
    await closeAll();
    await killAllPeers();
    await stopAllDiscoveryServers();
  });
  afterAll(async () => {
    await killAllPeers();
    await stopAllDiscoveryServers();
  });

  it('sees the clients, their endpoints and samples through the server; the clients see and hear us', async () => {
    await startDiscoveryServer(0, port);
    const talker = await spawnPeer('fastdds', 'talker', { domain, periodMs: 200, env: clientEnv(port) });
    const p = await superClient();
    const got: Sample[] = [];
    p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } }).on('sample', (s) => got.push(s));
    const server = await serverState(p, (s) => s.connected, 'connected');
    expect(server.guidPrefix).toBe(discoveryServerPrefix(0));
    await until(() => p.participants().some((x) => x.guid === talker.guid), 'the talker, relayed by the server', 15_000);
    // It is the server's client: it announced itself to the server only.
    expect(p.participants().find((x) => x.guid === talker.guid)!.properties.PARTICIPANT_TYPE).toBe('CLIENT');
    await until(() => p.endpoints().some((e) => e.topicName === 'rt/chatter' && e.kind === 'writer' && e.guid.startsWith(talker.guid.slice(0, 24))), "the talker's writer");
    await until(() => got.length >= 3, 'samples from the talker', 15_000);
    expect(readCdrString(got[0].payload)).toMatch(/^Hello World: \d+/);
    expect(p.discoveryServers()[0].relayed).toBeGreaterThanOrEqual(1);

    // Our endpoints reach the clients through the server too.
    const listener = await spawnPeer('fastdds', 'listener', { domain, topic: 'rt/from_medkit', env: clientEnv(port) });
    const w = p.createWriter({ topic: 'rt/from_medkit', typeName: STRING, userData: 'typehash=RIHS01_x;' });
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    await listener.waitForLine(/^matched sub 1 /);
    for (let i = 1; i <= 3; i++) w.write(cdrString(`From TS: ${i}`));
    const heard = await listener.waitForLines(/^heard \d+ From TS: \d/, 3, 15_000);
    expect(heard.map((m) => m[0].replace(/^heard \d+ /, ''))).toEqual(['From TS: 1', 'From TS: 2', 'From TS: 3']);

    // A client that leaves is removed through the server's relayed dispose.
    const removed: string[] = [];
    p.on('participant', (e) => e.type === 'removed' && removed.push(`${e.participant.guid} ${e.reason}`));
    await listener.stop();
    await until(() => removed.includes(`${listener.guid} disposed`), `the listener ${listener.guid} relayed dispose; removed: ${removed.join()}`);
  });

  it('is a client of two servers at once: each relays the clients that use it (the position in the list is the id)', async () => {
    const port1 = discoveryServerPort(domain, 1);
    await startDiscoveryServer(0, port);
    await startDiscoveryServer(1, port1);
    const onFirst = await spawnPeer('fastdds', 'talker', { domain, node: 'on_first', env: clientEnv(port) });
    const onSecond = await spawnPeer('fastdds', 'listener', { domain, node: 'on_second', env: { ROS_DISCOVERY_SERVER: `;127.0.0.1:${port1}` } });
    const p = await participant(domain, { userData: 'enclave=/;', peerIndexCount: 0, discoveryServers: parseDiscoveryServerList(`127.0.0.1:${port};127.0.0.1:${port1}`) });
    await until(() => p.participants().some((x) => x.guid === onFirst.guid) && p.participants().some((x) => x.guid === onSecond.guid), 'a client of each server', 20_000);
    const servers = p.discoveryServers();
    expect(servers.map((s) => [s.id, s.guidPrefix, s.connected])).toEqual([
      [0, discoveryServerPrefix(0), true],
      [1, discoveryServerPrefix(1), true],
    ]);
    expect(servers.every((s) => s.relayed >= 1)).toBe(true);
  });

  it('recovers from a server restart and from a server gone longer than its lease', async () => {
    let srv = await startDiscoveryServer(0, port);
    const talker = await spawnPeer('fastdds', 'talker', { domain, periodMs: 200, env: clientEnv(port) });
    // The server's lease (20 s announced) cut to 8 s, so that its loss shows within the test; it re-announces every 3 s.
    const p = await superClient({ maxLeaseSec: 8 });
    await serverState(p, (s) => s.connected, 'connected');
    await until(() => p.participants().some((x) => x.guid === talker.guid), 'the talker');

    // Killed and back at once: the new process (same prefix, sequence numbers from 1) is taken as new.
    const changes: boolean[] = [];
    p.on('discoveryServer', (s) => changes.push(s.connected));
    await srv.stop('SIGKILL');
    srv = await startDiscoveryServer(0, port);
    const lateA = await spawnPeer('fastdds', 'listener', { domain, node: 'late_a', env: clientEnv(port) });
    await until(() => p.participants().some((x) => x.guid === lateA.guid), 'a client that joined the restarted server', 20_000);
    expect(p.discoveryServers()[0].connected).toBe(true);
    expect(changes).toEqual([false, true]);

    // Gone for longer than its lease: reported as not answering, then connected again once it is back.
    const since = Date.now();
    await srv.stop('SIGKILL');
    const down = await serverState(p, (s) => !s.connected, 'not answering');
    expect(down.since).toBeGreaterThanOrEqual(since);
    srv = await startDiscoveryServer(0, port);
    await serverState(p, (s) => s.connected, 'connected again', 20_000);
    const lateB = await spawnPeer('fastdds', 'listener', { domain, node: 'late_b', env: clientEnv(port) });
    await until(() => p.participants().some((x) => x.guid === lateB.guid), 'a client that joined after the outage', 20_000);
    // The talker stayed (we kept hearing its samples directly) or was relayed again by the new server.
    await until(() => p.participants().some((x) => x.guid === talker.guid), 'the talker after the outage', 20_000);
  }, 120_000);
});

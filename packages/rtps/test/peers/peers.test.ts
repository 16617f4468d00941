// Proves the DDS test peers behave before the TS participant is tested against them:
// same-vendor talker/listener, services (with a second client whose replies must be
// ignored), 256 KiB messages (DATA_FRAG), transient-local history, the Humble Gid layout,
// throughput modes, and cross-vendor discovery over the loopback configs.
// ROS domains 40-49 belong to this file.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeWith } from '../../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { testDomain } from '../../../../test-support/domains.js';

afterEach(async () => {
  await killAllPeers();
});
afterAll(async () => {
  await killAllPeers();
});

/** The numbers in "heard <len> Hello World: <n>" lines, in arrival order. */
function heardNumbers(lines: string[]): number[] {
  return lines.map((l) => /^heard \d+ Hello World: (\d+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));
}

async function talkerToListener(talkerVendor: PeerVendor, listenerVendor: PeerVendor, domain: number): Promise<void> {
  const listener = await spawnPeer(listenerVendor, 'listener', { domain });
  const talker = await spawnPeer(talkerVendor, 'talker', { domain, count: 5, periodMs: 200, waitMatch: 1 });
  await talker.waitForLine(/^matched pub 1 topic=rt\/chatter$/);
  await listener.waitForLine(/^matched sub 1 topic=rt\/chatter$/);
  await listener.waitForLines(/^heard 14 Hello World: \d$/, 5);
  expect(heardNumbers(listener.lines)).toEqual([1, 2, 3, 4, 5]);
  // Each side sees the other's node in ros_discovery_info, endpoints counted per node.
  await listener.waitForLine(new RegExp(`^graph gid=${talker.guid} ns=/ name=talker readers=0 writers=1$`));
  await talker.waitForLine(new RegExp(`^graph gid=${listener.guid} ns=/ name=listener readers=1 writers=0$`));
  // SIGTERM: the peer deletes its participant (dispose on the wire) and says bye.
  expect(await talker.stop()).toEqual({ code: 0, signal: null });
  expect(talker.lines.at(-1)).toBe('bye');
  // The listener unmatches at once on the dispose, except Fast DDS 2.9 hearing Cyclone 0.10:
  // Cyclone's dispose DATA carries a serialized key but no PID_KEY_HASH, and Fast DDS keeps
  // the writer until Cyclone's 10 s lease runs out (seen on the wire here).
  if (!(talkerVendor.startsWith('cyclone') && listenerVendor === 'fastdds')) {
    await listener.waitForLine(/^matched sub 0 topic=rt\/chatter$/);
  }
}

async function serviceRoundTrip(vendor: PeerVendor, domain: number): Promise<void> {
  const server = await spawnPeer(vendor, 'server', { domain });
  // A client sends once it matched both service endpoints, but the server's reply writer may not have matched the
  // client's reader yet: a reply to that first request is lost (volatile) and the client fails on its timeout. The
  // client waits its period before the first request; 1 s instead of 0.2 leaves the server time on a loaded box.
  const other = await spawnPeer(vendor, 'client', { domain, count: 3, a: 100, b: 1, node: 'other_client', periodMs: 1000 });
  const client = await spawnPeer(vendor, 'client', { domain, count: 4, a: 1, b: 40, periodMs: 1000 });
  expect(await client.exited).toEqual({ code: 0, signal: null });
  expect(await other.exited).toEqual({ code: 0, signal: null });
  expect(client.matches(/^response seq=(\d+) sum=(\d+)$/).map((m) => [m[1], m[2]])).toEqual([
    ['1', '41'], ['2', '42'], ['3', '43'], ['4', '44'],
  ]);
  expect(other.matches(/^response seq=(\d+) sum=(\d+)$/).map((m) => m[2])).toEqual(['101', '102', '103']);
  expect(client.lines).toContain('done ok=4 failed=0');
  // Both clients' requests reached the one server; nobody took the other's replies.
  expect(server.matches(/^request client=\w+ seq=\d+ a=\d+ b=\d+ sum=(\d+)$/).map((m) => Number(m[1])).sort((x, y) => x - y))
    .toEqual([41, 42, 43, 44, 101, 102, 103]);
  expect(client.lines.some((l) => /^response .* sum=10\d$/.test(l))).toBe(false);
}

async function largeMessage(vendor: PeerVendor, domain: number): Promise<void> {
  const size = 256 * 1024;
  const listener = await spawnPeer(vendor, 'listener', { domain });
  await spawnPeer(vendor, 'talker', { domain, count: 2, periodMs: 200, waitMatch: 1, size });
  const heard = await listener.waitForLines(/^heard (\d+) (.*)$/, 2, 20_000);
  expect(heard.map((m) => [Number(m[1]), m[2]])).toEqual([
    [size, `Hello World: 1${'.'.repeat(40 - 14)}`],
    [size, `Hello World: 2${'.'.repeat(40 - 14)}`],
  ]);
}

async function lateJoiner(vendor: PeerVendor, domain: number): Promise<void> {
  const durability = 'transient_local';
  const talker = await spawnPeer(vendor, 'talker', { domain, count: 3, periodMs: 50, durability });
  await talker.waitForLine(/^done sent=3$/);
  // Started after the last message: only the writer's history can deliver it.
  const listener = await spawnPeer(vendor, 'listener', { domain, durability });
  await listener.waitForLines(/^heard /, 3);
  expect(heardNumbers(listener.lines)).toEqual([1, 2, 3]);
}

async function reliableThroughput(vendor: PeerVendor, domain: number): Promise<void> {
  const sub = await spawnPeer(vendor, 'throughput-sub', { domain });
  const pub = await spawnPeer(vendor, 'throughput-pub', { domain, count: 3000, waitMatch: 1 });
  await pub.waitForLine(/^done sent=3000$/, 20_000);
  // Reliable + keep-all on both sides: every sample arrives, none counted lost.
  await sub.waitForLine(/^rate samples=\d+ bytes=\d+ total=3000 lost=0$/, 20_000);
}

describeWith(CYCLONE, 'Cyclone DDS test peer', () => {
  beforeAll(async () => {
    await buildPeer('cyclone');
    await buildPeer('cyclone24');
  }, 300_000);

  it('talker and listener exchange rt/chatter and see each other in ros_discovery_info', () => talkerToListener('cyclone', 'cyclone', testDomain(7)));
  it('server answers two clients, each keeping only its own replies (16-byte header)', () => serviceRoundTrip('cyclone', testDomain(8)));
  it('a 256 KiB string reaches the listener (fragmented)', () => largeMessage('cyclone', testDomain(9)));
  it('a transient-local listener started late gets the history', () => lateJoiner('cyclone', testDomain(9)));
  it('the Humble build (24-byte Gids) talks to itself, graph included', () => talkerToListener('cyclone24', 'cyclone24', testDomain(10)));
  it('throughput modes deliver every sample when reliable', () => reliableThroughput('cyclone', testDomain(11)));
});

describeWith(FASTDDS, 'Fast DDS test peer', () => {
  beforeAll(async () => {
    await buildPeer('fastdds');
  }, 300_000);

  it('talker and listener exchange rt/chatter and see each other in ros_discovery_info', () => talkerToListener('fastdds', 'fastdds', testDomain(12)));
  it('server answers two clients, each keeping only its own replies (related sample identity)', () => serviceRoundTrip('fastdds', testDomain(13)));
  it('a 256 KiB string reaches the listener (fragmented)', () => largeMessage('fastdds', testDomain(14)));
  it('a transient-local listener started late gets the history', () => lateJoiner('fastdds', testDomain(14)));
  it('throughput modes deliver every sample when reliable', () => reliableThroughput('fastdds', testDomain(15)));
});

describeWith([...CYCLONE, ...FASTDDS], 'Cyclone and Fast DDS peers on the same loopback discovery', () => {
  beforeAll(async () => {
    await buildPeer('cyclone');
    await buildPeer('fastdds');
  }, 300_000);

  it('Cyclone talker to Fast DDS listener, then Fast DDS talker to Cyclone listener', async () => {
    await talkerToListener('cyclone', 'fastdds', testDomain(16));
    await killAllPeers();
    await talkerToListener('fastdds', 'cyclone', testDomain(16));
  });
});

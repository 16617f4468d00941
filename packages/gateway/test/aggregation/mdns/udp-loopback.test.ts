// The mDNS announcer and browser over real UDP sockets on 127.0.0.1, unicast only (no multicast traffic):
// the announcer binds an ephemeral port and must answer a query sent straight to it from a non-5353 port by
// replying unicast (RFC 6762 §5.5/§6.7). Also: a port that cannot be bound leaves the gateway running with
// "peer discovery unavailable" in /health.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { AGGREGATION_KEYS, readAggregationSettings } from '../../../src/aggregation/config.js';
import { AggregationService } from '../../../src/aggregation/service.js';
import { MdnsBrowser, type DiscoveredPeer } from '../../../src/aggregation/mdns/browser.js';
import { decodeMessage, encodeMessage, TYPE_PTR, TYPE_SRV } from '../../../src/aggregation/mdns/dns-message.js';
import { startPeerDiscovery } from '../../../src/aggregation/mdns/peer-discovery.js';
import { MdnsResponder } from '../../../src/aggregation/mdns/responder.js';
import { openUdpTransport, type UdpTransport } from '../../../src/aggregation/mdns/transport.js';
import { waitFor } from '../../../../../test-support/processes.js';

const SERVICE = '_medkit._tcp.local';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function loopback(groupPort?: number): Promise<UdpTransport> {
  const t = await openUdpTransport({
    port: 0,
    bindAddress: '127.0.0.1',
    multicast: false,
    ...(groupPort ? { groupEndpoint: { address: '127.0.0.1', port: groupPort } } : {}),
  });
  cleanups.push(() => t.close());
  return t;
}

/** Polls `cond` until it holds, at most 2 s (the caller asserts what it waited for). */
async function until(cond: () => boolean): Promise<void> {
  await waitFor(() => (cond() ? true : undefined), 'a datagram', 2000).catch(() => undefined);
}

describe('mDNS over UDP on loopback (unicast)', () => {
  it('a raw query from an ephemeral port gets a unicast legacy answer', async () => {
    const t = await loopback();
    new MdnsResponder({ transport: t, service: SERVICE, instance: 'arm', host: 'arm', addresses: ['127.0.0.1'], port: 9000, instanceId: 'arm-id' });
    const client = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => client.close(() => r())));
    const replies: Buffer[] = [];
    client.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    client.send(encodeMessage({ id: 77, questions: [{ name: SERVICE, type: TYPE_PTR }] }), t.port, '127.0.0.1');
    await until(() => replies.length > 0);
    const m = decodeMessage(replies[0])!;
    expect(m.id).toBe(77);
    expect(m.questions).toEqual([{ name: SERVICE, type: TYPE_PTR }]);
    expect(m.answers[0]).toMatchObject({ type: TYPE_PTR, data: `arm.${SERVICE}` });
    const srv = m.additionals.find((r) => r.type === TYPE_SRV)!;
    expect(srv).toMatchObject({ data: { port: 9000, target: 'arm.local' } });
    // Legacy unicast answers carry TTLs of at most 10 s.
    expect(Math.max(...[...m.answers, ...m.additionals].map((r) => r.ttl))).toBeLessThanOrEqual(10);
  });

  it('the browser resolves the announcer over real sockets and adds the peer to the aggregation service', async () => {
    const announcerT = await loopback();
    new MdnsResponder({ transport: announcerT, service: SERVICE, instance: 'safety', host: 'safety', addresses: ['127.0.0.1'], port: 9100, instanceId: 'safety-id' });
    const browserT = await loopback(announcerT.port);
    const config = loadConfig({ env: {}, extraKeys: AGGREGATION_KEYS, flags: { 'aggregation.enabled': true, 'aggregation.discover': true } });
    const logs: string[] = [];
    const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    const svc = new AggregationService(readAggregationSettings(config, log.warn), log);
    cleanups.push(() => svc.stop());
    const found: DiscoveredPeer[] = [];
    const browser = new MdnsBrowser({
      transport: browserT,
      service: SERVICE,
      selfInstanceId: svc.instanceId,
      scheme: 'http',
      maxPeers: 5,
      unicastQueries: true,
      check: () => undefined, // loopback is the only address a test may use
      onAdd: (p) => (found.push(p), svc.addDiscovered(p)),
      onRemove: (n) => svc.removeDiscovered(n),
    });
    cleanups.push(() => browser.stop());
    browser.query();
    await until(() => found.length > 0);
    expect(found).toEqual([{ name: 'safety', url: 'http://127.0.0.1:9100', instanceId: 'safety-id' }]);
    expect(svc.peer('safety')).toMatchObject({ url: 'http://127.0.0.1:9100' });
    expect(logs).toContain("discovered peer 'safety' at http://127.0.0.1:9100");
    // The discovered peer is health-checked like a static one and listed in /health.
    await svc.registry.checkAll(['safety']);
    const peers = (await svc.health()).fields!.peers as { name: string; url: string }[];
    expect(peers).toEqual([expect.objectContaining({ name: 'safety', url: 'http://127.0.0.1:9100' })]);
    expect(svc.removeDiscovered('safety')).toBe(true);
    expect(svc.peer('safety')).toBeUndefined();
  });

  it('a port that cannot be bound is one warning and a /health entry, not a failure', async () => {
    const holder = dgram.createSocket('udp4'); // exclusive: no reuseAddr
    cleanups.push(() => new Promise<void>((r) => holder.close(() => r())));
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    const config = loadConfig({ env: {}, extraKeys: AGGREGATION_KEYS, flags: { 'aggregation.enabled': true, 'aggregation.announce': true } });
    const warns: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warns.push(m), error: () => undefined };
    const svc = new AggregationService(readAggregationSettings(config, log.warn), log);
    const d = await startPeerDiscovery(svc, {
      announce: true,
      discover: false,
      service: SERVICE,
      name: 'gw',
      scheme: 'http',
      maxPeers: 5,
      httpPort: 8080,
      httpHost: '127.0.0.1',
      log,
      udp: { port: holder.address().port, bindAddress: '127.0.0.1', multicast: false },
    });
    expect(d).toBeUndefined();
    expect(warns).toHaveLength(1);
    expect(warns[0]).toContain('mDNS peer discovery unavailable');
    const h = await svc.health();
    expect(h.warnings).toEqual([expect.objectContaining({ code: 'peer_discovery_unavailable' })]);
  });

  it('stop sends the goodbye and closes the socket', async () => {
    const listener = await loopback();
    const got: Buffer[] = [];
    listener.onMessage((p) => got.push(p));
    const svc = { instanceId: 'gw-id', addDiscovered: () => true, removeDiscovered: () => true } as { instanceId: string; addDiscovered(): boolean; removeDiscovered(): boolean; mdnsProblem?: string };
    const d = await startPeerDiscovery(svc, {
      announce: true,
      discover: false,
      service: SERVICE,
      name: 'gw',
      scheme: 'http',
      maxPeers: 5,
      httpPort: 8080,
      httpHost: '127.0.0.1',
      log: { info: () => undefined, warn: () => undefined },
      udp: { port: 0, bindAddress: '127.0.0.1', multicast: false, groupEndpoint: { address: '127.0.0.1', port: listener.port } },
    });
    expect(d?.responder).toBeDefined();
    await until(() => got.length > 0);
    await d!.stop();
    await until(() => got.length > 1);
    const [hello, bye] = got.map((p) => decodeMessage(p)!);
    expect(hello.answers.every((r) => r.ttl === 120)).toBe(true);
    expect(bye.answers.every((r) => r.ttl === 0)).toBe(true);
    expect(bye.answers.find((r) => r.type === TYPE_PTR)).toMatchObject({ data: `gw.${SERVICE}` });
    expect(svc.mdnsProblem).toBeUndefined();
  });
});

// The mDNS announcer and browser against each other through an in-memory link (no network): resolution,
// self-filtering, the peer cap, goodbye, TTL expiry, address validation and hostile packets on the link.
import { afterEach, describe, expect, it } from 'vitest';
import { MdnsBrowser, checkDiscoveredAddress, peerNameFor, type DiscoveredPeer } from '../../../src/aggregation/mdns/browser.js';
import { decodeMessage, encodeMessage, TYPE_PTR } from '../../../src/aggregation/mdns/dns-message.js';
import { MdnsResponder } from '../../../src/aggregation/mdns/responder.js';
import { MemoryLink, type MdnsTransport } from '../../../src/aggregation/mdns/transport.js';

const SERVICE = '_medkit._tcp.local';
// The in-memory link delivers with setImmediate; a fixed timer could fire before those turns ran on
// a loaded machine, so wait a number of event-loop turns instead (each hop is one turn).
const settle = async () => {
  for (let i = 0; i < 16; i++) await new Promise((r) => setImmediate(r));
};

function responder(link: MemoryLink, ip: string, instance: string, id: string, port = 8080): MdnsResponder {
  return new MdnsResponder({ transport: link.attach({ address: ip, port: 5353 }), service: SERVICE, instance, host: instance, addresses: [ip], port, instanceId: id });
}

interface Harness {
  browser: MdnsBrowser;
  added: DiscoveredPeer[];
  removed: string[];
  rejected: string[];
  clock: { t: number };
}

function browser(link: MdnsTransport | MemoryLink, opts: { max?: number; self?: string } = {}): Harness {
  const h: Harness = { added: [], removed: [], rejected: [], clock: { t: 1_000_000 } } as unknown as Harness;
  const transport = link instanceof MemoryLink ? link.attach({ address: '10.0.0.1', port: 5353 }) : link;
  h.browser = new MdnsBrowser({
    transport,
    service: SERVICE,
    selfInstanceId: opts.self ?? 'self-id',
    scheme: 'http',
    maxPeers: opts.max ?? 10,
    onAdd: (p) => h.added.push(p),
    onRemove: (n) => h.removed.push(n),
    onReject: (_i, why) => h.rejected.push(why),
    now: () => h.clock.t,
  });
  return h;
}

const browsers: MdnsBrowser[] = [];
afterEach(() => browsers.splice(0).forEach((b) => b.stop()));

describe('mDNS announcer and browser (in-memory link)', () => {
  it('a query resolves an announcing gateway into a peer with its URL and instance id', async () => {
    const link = new MemoryLink();
    responder(link, '10.0.0.2', 'arm', 'arm-id', 8081);
    const h = browser(link);
    browsers.push(h.browser);
    h.browser.query();
    await settle();
    expect(h.added).toEqual([{ name: 'arm', url: 'http://10.0.0.2:8081', instanceId: 'arm-id' }]);
    // A second query answers the same records: no duplicate.
    h.browser.query();
    await settle();
    expect(h.added).toHaveLength(1);
  });

  it('the unsolicited announcement alone adds the peer, and the goodbye removes it', async () => {
    const link = new MemoryLink();
    const h = browser(link);
    const r = responder(link, '10.0.0.3', 'base', 'base-id');
    r.announce();
    await settle();
    expect(h.browser.peers().map((p) => p.name)).toEqual(['base']);
    r.goodbye();
    await settle();
    expect(h.removed).toEqual(['base']);
    expect(h.browser.peers()).toEqual([]);
    // After the goodbye the responder stays silent.
    h.browser.query();
    await settle();
    expect(h.added).toHaveLength(1);
  });

  it('never adds itself: an instance carrying our instance id is ignored', async () => {
    const link = new MemoryLink();
    responder(link, '10.0.0.4', 'me', 'self-id').announce();
    responder(link, '10.0.0.5', 'other', 'other-id').announce();
    const h = browser(link, { self: 'self-id' });
    h.browser.query();
    await settle();
    expect(h.added.map((p) => p.name)).toEqual(['other']);
  });

  it('removes a peer when its records expire without refresh', async () => {
    const link = new MemoryLink();
    const h = browser(link);
    responder(link, '10.0.0.6', 'cam', 'cam-id').announce();
    await settle();
    expect(h.added).toHaveLength(1);
    h.clock.t += 119_000;
    h.browser.expire();
    expect(h.removed).toEqual([]);
    h.clock.t += 2_000;
    h.browser.expire();
    expect(h.removed).toEqual(['cam']);
  });

  it('caps discovered peers at maxPeers and reports the rest as rejected', async () => {
    const link = new MemoryLink();
    for (let i = 0; i < 4; i++) responder(link, `10.0.1.${i + 1}`, `gw${i}`, `id${i}`);
    const h = browser(link, { max: 2 });
    h.browser.query();
    await settle();
    expect(h.added).toHaveLength(2);
    expect(h.rejected.filter((w) => w.includes('max_discovered_peers'))).toHaveLength(2);
  });

  it('rejects loopback, link-local and privileged-port instances', async () => {
    const link = new MemoryLink();
    responder(link, '127.0.0.1', 'lo', 'lo-id');
    responder(link, '169.254.169.254', 'meta', 'meta-id');
    responder(link, '10.0.0.9', 'low', 'low-id', 80);
    const h = browser(link);
    h.browser.query();
    await settle();
    expect(h.added).toEqual([]);
    expect(h.rejected.sort()).toEqual(['link-local or cloud-metadata address', 'loopback address', 'port 80 is below 1024']);
    expect(checkDiscoveredAddress('0.0.0.0', 8080)).toBe('unspecified address');
    expect(checkDiscoveredAddress('10.0.0.1', 8080)).toBeUndefined();
  });

  it('makes instance labels valid peer names', () => {
    expect(peerNameFor('Robot Arm #2')).toBe('Robot_Arm__2');
    expect(peerNameFor('')).toBe('mdns_peer');
    expect(peerNameFor('x'.repeat(80))).toHaveLength(64);
  });

  it('the responder answers only its own service and survives garbage on the link', async () => {
    const link = new MemoryLink();
    const bad: string[] = [];
    new MdnsResponder({
      transport: link.attach({ address: '10.0.0.2', port: 5353 }),
      service: SERVICE,
      instance: 'arm',
      host: 'arm',
      addresses: ['10.0.0.2'],
      port: 8080,
      instanceId: 'x',
      onBadPacket: (why) => bad.push(why),
    });
    const probe = link.attach({ address: '10.0.0.7', port: 5353 });
    const got: Buffer[] = [];
    probe.onMessage((p) => got.push(p));
    probe.send(Buffer.from([1, 2, 3]));
    probe.send(encodeMessage({ questions: [{ name: '_other._tcp.local', type: TYPE_PTR }] }));
    await settle();
    expect(bad).toEqual(['malformed DNS message']);
    expect(got).toEqual([]);
    probe.send(encodeMessage({ questions: [{ name: SERVICE.toUpperCase(), type: TYPE_PTR }] }));
    await settle();
    expect(got).toHaveLength(1);
    const reply = decodeMessage(got[0])!;
    expect(reply.answers.map((a) => a.type)).toEqual([TYPE_PTR]);
    expect(reply.additionals.length).toBe(3); // SRV, TXT, A
  });
});

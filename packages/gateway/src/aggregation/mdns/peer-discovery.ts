// Wires the mDNS responder and browser to the aggregation service (docs/aggregation.md). A missing multicast
// route or an unavailable port 5353 is a warning and a /health entry, never a start-up failure.
import os from 'node:os';
import { MdnsBrowser, type BrowserOptions } from './browser.js';
import { MdnsResponder } from './responder.js';
import { firstExternalIPv4, openUdpTransport, type MdnsTransport, type UdpTransportOptions } from './transport.js';

/** What peer discovery needs from the aggregation service. */
export interface DiscoveryHost {
  readonly instanceId: string;
  addDiscovered(peer: { name: string; url: string }): boolean;
  removeDiscovered(name: string): boolean;
  mdnsProblem?: string;
}

export interface PeerDiscoveryOptions {
  announce: boolean;
  discover: boolean;
  service: string;
  /** Instance name ("" = hostname). */
  name: string;
  scheme: 'http' | 'https';
  maxPeers: number;
  /** HTTP port and listen host of this gateway (A records: the listen address, or the interface's when it listens on all). */
  httpPort: number;
  httpHost: string;
  interfaceAddress?: string;
  log: { info(m: string): void; warn(m: string): void };
  /** Tests: the transport to use instead of UDP 5353. */
  transport?: MdnsTransport;
  /** Tests: UDP options (port, group endpoint, multicast off). */
  udp?: UdpTransportOptions;
  /** Tests: browser overrides (address check, interval, QU queries). */
  browser?: Partial<Pick<BrowserOptions, 'check' | 'intervalMs' | 'unicastQueries'>>;
}

export interface PeerDiscovery {
  responder?: MdnsResponder;
  browser?: MdnsBrowser;
  stop(): Promise<void>;
}

/** Starts announcing and/or browsing; resolves with undefined (after one warning) when mDNS cannot run. */
export async function startPeerDiscovery(host: DiscoveryHost, o: PeerDiscoveryOptions): Promise<PeerDiscovery | undefined> {
  const iface = o.interfaceAddress || firstExternalIPv4();
  let transport = o.transport;
  if (!transport) {
    try {
      const udp = await openUdpTransport({ interfaceAddress: iface, ...o.udp, onError: (e) => o.log.warn(`mDNS send failed: ${e.message}`) });
      if (udp.multicastError) {
        host.mdnsProblem = udp.multicastError;
        o.log.warn(`mDNS peer discovery unavailable (${udp.multicastError}); using static peers only`);
      }
      transport = udp;
    } catch (e) {
      host.mdnsProblem = `cannot bind UDP ${o.udp?.port ?? 5353}: ${(e as Error).message}`;
      o.log.warn(`mDNS peer discovery unavailable (${host.mdnsProblem}); using static peers only`);
      return undefined;
    }
  }
  const hostname = os.hostname().split('.')[0] || 'medkit';
  const instance = o.name || hostname;
  const listenAll = o.httpHost === '0.0.0.0' || o.httpHost === '::' || o.httpHost === '';
  const address = listenAll ? iface : o.httpHost;
  let responder: MdnsResponder | undefined;
  if (o.announce) {
    responder = new MdnsResponder({
      transport,
      service: o.service,
      instance,
      // Several gateways on one host need distinct SRV targets only if their addresses differ; the instance keeps them apart.
      host: o.name || hostname,
      addresses: address && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? [address] : [],
      port: o.httpPort,
      instanceId: host.instanceId,
    });
    responder.announce();
    o.log.info(`mDNS: announcing ${responder.name} on port ${o.httpPort}`);
  }
  let browser: MdnsBrowser | undefined;
  if (o.discover) {
    browser = new MdnsBrowser({
      transport,
      service: o.service,
      selfInstanceId: host.instanceId,
      scheme: o.scheme,
      maxPeers: o.maxPeers,
      onAdd: (p) => void host.addDiscovered({ name: p.name, url: p.url }),
      onRemove: (n) => void host.removeDiscovered(n),
      onReject: (inst, why) => o.log.warn(`mDNS instance '${inst}' not added as a peer: ${why}`),
      ...o.browser,
    });
    browser.start();
  }
  const t = transport;
  return {
    responder,
    browser,
    async stop() {
      browser?.stop();
      responder?.goodbye();
      // Let the goodbye leave before the socket closes.
      await new Promise((r) => setImmediate(r));
      await t.close();
    },
  };
}

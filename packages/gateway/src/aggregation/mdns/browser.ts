// The mDNS browser (docs/aggregation.md): queries the service type periodically, resolves instances from
// PTR/SRV/TXT/A records, reports new peers and removes them on goodbye or TTL expiry. Itself (same instance
// id in TXT) is never reported.
import { isIP } from 'node:net';
import { decodeMessage, encodeMessage, isResponse, sameName, TYPE_A, TYPE_PTR, TYPE_SRV, TYPE_TXT, type DnsRecord } from './dns-message.js';
import type { Endpoint, MdnsTransport } from './transport.js';

/** Query interval of the spec. */
const QUERY_INTERVAL_MS = 10_000;

/** A resolved instance, ready to become a peer. */
export interface DiscoveredPeer {
  /** Peer name (from the instance label, made safe for the peer-name alphabet). */
  name: string;
  url: string;
  /** TXT `id=`, when present. */
  instanceId?: string;
}

export interface BrowserOptions {
  transport: MdnsTransport;
  service: string;
  /** This gateway's instance id: an instance announcing it is ourselves. */
  selfInstanceId: string;
  scheme: 'http' | 'https';
  /** Most discovered peers at a time. */
  maxPeers: number;
  onAdd(peer: DiscoveredPeer): void;
  onRemove(name: string): void;
  /** Why a resolved instance is refused (default {@link checkDiscoveredAddress}); undefined accepts it. */
  check?: (host: string, port: number) => string | undefined;
  onReject?: (instance: string, why: string) => void;
  intervalMs?: number;
  /** Sets the QU bit on queries (unicast replies, used on loopback). */
  unicastQueries?: boolean;
  now?: () => number;
}

/** Validation of docs/aggregation.md: no loopback, link-local, unspecified or cloud-metadata hosts; SRV port ≥ 1024. */
export function checkDiscoveredAddress(host: string, port: number): string | undefined {
  if (port < 1024) return `port ${port} is below 1024`;
  if (isIP(host) !== 4) return `'${host}' is not an IPv4 address`;
  const [a, b] = host.split('.').map(Number);
  if (a === 127) return 'loopback address';
  if (a === 0) return 'unspecified address';
  if (a === 169 && b === 254) return 'link-local or cloud-metadata address';
  if (a >= 224) return 'multicast or reserved address';
  return undefined;
}

/** Peer names follow the id alphabet `[A-Za-z0-9_-]{1,64}`. */
export function peerNameFor(instanceLabel: string): string {
  const n = instanceLabel.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return n === '' ? 'mdns_peer' : n;
}

interface Timed<T> {
  value: T;
  expires: number;
}

interface Instance {
  ptr?: Timed<string>;
  srv?: Timed<{ port: number; target: string }>;
  txt?: Timed<string[]>;
  /** Name of the peer we reported, while it is reported. */
  reported?: DiscoveredPeer;
  /** Last rejection reported, so each reason is logged once per instance. */
  rejected?: string;
}

export class MdnsBrowser {
  private readonly instances = new Map<string, Instance>();
  private readonly hosts = new Map<string, Timed<string>>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly opts: BrowserOptions) {
    this.now = opts.now ?? Date.now;
    opts.transport.onMessage((p, from) => this.onPacket(p, from));
  }

  /** Queries now and every interval. */
  start(): void {
    this.query();
    this.timer = setInterval(() => {
      this.expire();
      this.query();
    }, this.opts.intervalMs ?? QUERY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Sends one PTR query for the service type. */
  query(): void {
    if (this.stopped) return;
    this.opts.transport.send(encodeMessage({ questions: [{ name: this.opts.service, type: TYPE_PTR, unicastResponse: this.opts.unicastQueries }] }));
  }

  /** Peers currently reported. */
  peers(): DiscoveredPeer[] {
    return [...this.instances.values()].flatMap((i) => (i.reported ? [i.reported] : []));
  }

  /** Drops records whose TTL has run out and removes the peers they resolved. */
  expire(): void {
    const now = this.now();
    for (const [name, inst] of this.instances) {
      if (inst.ptr && inst.ptr.expires <= now) inst.ptr = undefined;
      if (inst.srv && inst.srv.expires <= now) inst.srv = undefined;
      if (inst.txt && inst.txt.expires <= now) inst.txt = undefined;
      this.reconcile(name, inst);
    }
    for (const [h, t] of this.hosts) if (t.expires <= now) this.hosts.delete(h);
  }

  private onPacket(packet: Buffer, _from: Endpoint): void {
    if (this.stopped) return;
    const msg = decodeMessage(packet);
    if (!msg || !isResponse(msg)) return;
    const now = this.now();
    const records = [...msg.answers, ...msg.additionals];
    const touched = new Set<string>();
    for (const r of records) this.remember(r, now, touched);
    // A-record changes can complete or break any instance on that host.
    for (const [name, inst] of this.instances) if (touched.has(name) || (inst.srv && touched.has(inst.srv.value.target.toLowerCase()))) this.reconcile(name, inst);
    this.expire();
  }

  private remember(r: DnsRecord, now: number, touched: Set<string>): void {
    const expires = now + r.ttl * 1000;
    const inst = (name: string): Instance => {
      const key = name.toLowerCase();
      let i = this.instances.get(key);
      if (!i) {
        // Bounded: unknown instances are only created from PTRs of our service.
        i = {};
        this.instances.set(key, i);
      }
      touched.add(key);
      return i;
    };
    if (r.type === TYPE_PTR && sameName(r.name, this.opts.service) && typeof r.data === 'string') {
      if (r.ttl === 0 && !this.instances.has(r.data.toLowerCase())) return;
      if (this.instances.size >= 4 * this.opts.maxPeers + 16 && !this.instances.has(r.data.toLowerCase())) return;
      inst(r.data).ptr = { value: r.data, expires };
    } else if (r.type === TYPE_SRV && this.instances.has(r.name.toLowerCase()) && 'target' in (r.data as object)) {
      const d = r.data as { port: number; target: string };
      inst(r.name).srv = r.ttl === 0 ? undefined : { value: { port: d.port, target: d.target.toLowerCase() }, expires };
    } else if (r.type === TYPE_TXT && this.instances.has(r.name.toLowerCase()) && Array.isArray(r.data)) {
      inst(r.name).txt = r.ttl === 0 ? undefined : { value: r.data, expires };
    } else if (r.type === TYPE_A && typeof r.data === 'string') {
      const key = r.name.toLowerCase();
      if (r.ttl === 0) this.hosts.delete(key);
      else if ([...this.instances.values()].some((i) => i.srv?.value.target === key) || this.hosts.size < 4 * this.opts.maxPeers + 16) {
        this.hosts.set(key, { value: r.data, expires });
      }
      touched.add(key);
    }
  }

  /** Reports the instance when it is fully resolved and acceptable; withdraws it when it no longer is. */
  private reconcile(key: string, inst: Instance): void {
    const txtId = inst.txt?.value.find((s) => s.startsWith('id='))?.slice(3);
    const host = inst.srv ? this.hosts.get(inst.srv.value.target)?.value : undefined;
    let wanted: DiscoveredPeer | undefined;
    if (inst.ptr && inst.srv && host && txtId !== this.opts.selfInstanceId) {
      const label = inst.ptr.value.slice(0, inst.ptr.value.length - this.opts.service.length - 1) || inst.ptr.value;
      const why = (this.opts.check ?? checkDiscoveredAddress)(host, inst.srv.value.port);
      if (why) this.reject(inst, label, why);
      else wanted = { name: peerNameFor(label), url: `${this.opts.scheme}://${host}:${inst.srv.value.port}`, ...(txtId ? { instanceId: txtId } : {}) };
    }
    const had = inst.reported;
    if (had && (!wanted || had.url !== wanted.url || had.name !== wanted.name)) {
      inst.reported = undefined;
      this.opts.onRemove(had.name);
    }
    if (wanted && !inst.reported) {
      if (this.peers().length >= this.opts.maxPeers) {
        this.reject(inst, wanted.name, `max_discovered_peers (${this.opts.maxPeers}) reached`);
      } else if (this.peers().some((p) => p.name === wanted.name)) {
        this.reject(inst, wanted.name, 'another discovered instance already uses this peer name');
      } else {
        inst.reported = wanted;
        inst.rejected = undefined;
        this.opts.onAdd(wanted);
      }
    }
    if (!inst.ptr && !inst.reported) this.instances.delete(key);
  }

  private reject(inst: Instance, label: string, why: string): void {
    if (inst.rejected === why) return;
    inst.rejected = why;
    this.opts.onReject?.(label, why);
  }
}

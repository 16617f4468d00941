// How the mDNS responder and browser reach the network: a datagram transport. The UDP one binds 5353 and joins
// the mDNS group; tests inject an in-memory one or a unicast-only UDP one on loopback.
import dgram from 'node:dgram';
import os from 'node:os';

const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;

export interface Endpoint {
  address: string;
  port: number;
}

/** A datagram transport; `send` without a destination goes to the mDNS group. */
export interface MdnsTransport {
  send(packet: Buffer, to?: Endpoint): void;
  onMessage(handler: (packet: Buffer, from: Endpoint) => void): void;
  close(): Promise<void>;
}

export interface UdpTransportOptions {
  /** Port to bind (default 5353). */
  port?: number;
  /** Address to bind (default 0.0.0.0). */
  bindAddress?: string;
  /** IPv4 address of the interface to join the group on; default the first non-internal IPv4 interface. */
  interfaceAddress?: string;
  /** Where group sends go; default 224.0.0.251:5353. Tests point it at a loopback unicast endpoint. */
  groupEndpoint?: Endpoint;
  /** Join the multicast group (default true). Tests on loopback pass false. */
  multicast?: boolean;
  /** Reports send errors (a send never throws). */
  onError?: (err: Error) => void;
}

export interface UdpTransport extends MdnsTransport {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Why multicast is unavailable, when joining the group failed. */
  readonly multicastError?: string;
}

/** The first non-internal IPv4 address of this host, if any. */
export function firstExternalIPv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/**
 * Binds the socket (reuseAddr, so Avahi or a second gateway on the host can share 5353) and joins the group.
 * Rejects when the bind fails; a failed join is reported in `multicastError` and the socket still answers
 * unicast queries.
 */
export async function openUdpTransport(opts: UdpTransportOptions = {}): Promise<UdpTransport> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const onError = opts.onError ?? (() => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: opts.port ?? MDNS_PORT, address: opts.bindAddress ?? '0.0.0.0' }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', (e) => onError(e));
  let multicastError: string | undefined;
  if (opts.multicast !== false) {
    const iface = opts.interfaceAddress ?? firstExternalIPv4();
    try {
      if (!iface) throw new Error('this host has no non-internal IPv4 interface');
      socket.addMembership(MDNS_GROUP, iface);
      socket.setMulticastInterface(iface);
      socket.setMulticastTTL(255); // RFC 6762 §11: receivers check for 255
      socket.setMulticastLoopback(true);
    } catch (e) {
      multicastError = `cannot join ${MDNS_GROUP} on ${iface ?? '(no interface)'}: ${(e as Error).message}`;
    }
  }
  const group = opts.groupEndpoint ?? { address: MDNS_GROUP, port: MDNS_PORT };
  const port = socket.address().port;
  let closed = false;
  return {
    port,
    multicastError,
    send(packet, to) {
      if (closed) return;
      const dest = to ?? group;
      socket.send(packet, dest.port, dest.address, (err) => {
        if (err) onError(err);
      });
    },
    onMessage(handler) {
      socket.on('message', (msg, rinfo) => handler(msg, { address: rinfo.address, port: rinfo.port }));
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/**
 * An in-process "link": transports attached to it see each other's group sends, and unicast sends reach the
 * transport with that address and port. Delivery is asynchronous like a real network.
 */
export class MemoryLink {
  private readonly members: { ep: Endpoint; handlers: ((p: Buffer, from: Endpoint) => void)[]; open: boolean }[] = [];

  attach(ep: Endpoint): MdnsTransport {
    const me = { ep, handlers: [] as ((p: Buffer, from: Endpoint) => void)[], open: true };
    this.members.push(me);
    return {
      send: (packet, to) => {
        if (!me.open) return;
        const copy = Buffer.from(packet);
        const targets = this.members.filter((m) => m.open && (to ? m.ep.address === to.address && m.ep.port === to.port : m !== me));
        for (const t of targets) setImmediate(() => t.open && t.handlers.forEach((h) => h(copy, ep)));
      },
      onMessage: (h) => void me.handlers.push(h),
      close: async () => {
        me.open = false;
      },
    };
  }
}

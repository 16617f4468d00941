// UDP transport: metatraffic and user-data unicast sockets on the first free participant index,
// plus the shared SPDP multicast socket. Every socket error is contained here. The user-data socket, where
// samples arrive, is read by the addon in batches when it is built (native-udp.ts), else by dgram like the others;
// sending then goes out of the metatraffic socket (a peer replies to our locators, never to a source port).

import dgram from 'node:dgram';
import os from 'node:os';
import { udpv4, type Locator } from './locator.js';
import { NativeUdpReceiver, nativeReceiveAvailable, type DatagramSource } from './native-udp.js';
import { metatrafficUnicastPort, SPDP_MULTICAST_ADDRESS, spdpMulticastPort, userUnicastPort } from './port-mapping.js';
import type { SendCounters } from './traffic-stats.js';

export interface UdpTransportOptions {
  domainId: number;
  /** Only 127.0.0.1: bind there, advertise it, no multicast. */
  localhostOnly: boolean;
  /** Interface names or IPv4 addresses to use; default: every non-internal IPv4 interface. */
  interfaces?: string[];
  /** Join the SPDP multicast group (ignored when localhostOnly). */
  multicast: boolean;
  /** Highest participant index tried when looking for free ports. */
  maxParticipantIndex: number;
  /** Socket receive buffer wanted (bytes). */
  receiveBufferSize: number;
  /**
   * Read the user-data socket with the addon, in batches (default: when the addon is loaded, unless the
   * environment sets MEDKIT_RTPS_NATIVE_RECEIVE=0). False: dgram, one callback per datagram.
   */
  nativeReceive?: boolean;
}

/** A datagram's sender. */
export type PacketSource = DatagramSource;

/** `placed`: payload bytes the native receiver put in place for the datagram's DATA_FRAG (undefined: not read by it). */
type PacketHandler = (data: Buffer, from: PacketSource, placed?: number) => void;

/** Where this participant can be reached. */
interface TransportLocators {
  metatrafficUnicast: Locator[];
  defaultUnicast: Locator[];
  metatrafficMulticast: Locator[];
}

export class UdpTransport {
  readonly participantIndex: number;
  readonly locators: TransportLocators;
  /** Whether the user-data socket is read by the addon. */
  readonly nativeReceive: boolean;
  private readonly sockets: (dgram.Socket | NativeUdpReceiver)[];
  private readonly sender: dgram.Socket;
  private closed = false;
  /** One callback for every send (not a closure per datagram). */
  private readonly onSent = (err: Error | null) => {
    if (err) this.sent.errors++;
  };
  /** What was sent, and send errors (unreachable destinations and the like), for diagnostics and metrics. */
  readonly sent: SendCounters = { datagrams: 0, bytes: 0, errors: 0 };

  private constructor(index: number, sockets: (dgram.Socket | NativeUdpReceiver)[], locators: TransportLocators) {
    this.participantIndex = index;
    this.sockets = sockets;
    this.nativeReceive = sockets[1] instanceof NativeUdpReceiver;
    this.sender = (this.nativeReceive ? sockets[0] : sockets[1]) as dgram.Socket;
    this.locators = locators;
  }

  /** Binds the unicast pair on the first free participant index and joins multicast. */
  static async open(opts: UdpTransportOptions, onPacket: PacketHandler): Promise<UdpTransport> {
    const bindAddress = opts.localhostOnly ? '127.0.0.1' : '0.0.0.0';
    const addresses = opts.localhostOnly ? ['127.0.0.1'] : interfaceAddresses(opts.interfaces);
    const native = (opts.nativeReceive ?? process.env.MEDKIT_RTPS_NATIVE_RECEIVE !== '0') && nativeReceiveAvailable;
    for (let index = 0; index <= opts.maxParticipantIndex; index++) {
      const metaPort = metatrafficUnicastPort(opts.domainId, index);
      const userPort = userUnicastPort(opts.domainId, index);
      const meta = await bindSocket(metaPort, bindAddress, false, opts.receiveBufferSize, onPacket);
      if (!meta) continue;
      const user = native ? NativeUdpReceiver.open(userPort, bindAddress, opts.receiveBufferSize, onPacket) : await bindSocket(userPort, bindAddress, false, opts.receiveBufferSize, onPacket);
      if (!user) {
        meta.close();
        continue;
      }
      const sockets: (dgram.Socket | NativeUdpReceiver)[] = [meta, user];
      const metatrafficMulticast: Locator[] = [];
      if (opts.multicast && !opts.localhostOnly) {
        const mc = await bindSocket(spdpMulticastPort(opts.domainId), '0.0.0.0', true, opts.receiveBufferSize, onPacket);
        if (mc) {
          let joined = 0;
          for (const a of addresses) {
            try {
              mc.addMembership(SPDP_MULTICAST_ADDRESS, a);
              joined++;
            } catch {
              // Interface without multicast: unicast discovery still works.
            }
          }
          if (joined > 0) {
            try {
              mc.setMulticastLoopback(true);
            } catch {
              /* not fatal */
            }
            sockets.push(mc);
            metatrafficMulticast.push(udpv4(SPDP_MULTICAST_ADDRESS, spdpMulticastPort(opts.domainId)));
          } else {
            mc.close();
          }
        }
      }
      const locators: TransportLocators = {
        metatrafficUnicast: addresses.map((a) => udpv4(a, metaPort)),
        defaultUnicast: addresses.map((a) => udpv4(a, userPort)),
        metatrafficMulticast,
      };
      return new UdpTransport(index, sockets, locators);
    }
    throw new Error(`no free participant index 0..${opts.maxParticipantIndex} in domain ${opts.domainId}`);
  }

  /** The native user-data receiver, which a reassembly may aim (fragment-placement.ts); undefined with dgram. */
  get aimableReceiver(): NativeUdpReceiver | undefined {
    return this.nativeReceive ? (this.sockets[1] as NativeUdpReceiver) : undefined;
  }

  /** Sends one datagram; errors are counted, never thrown. */
  send(data: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    this.sent.datagrams++;
    this.sent.bytes += data.byteLength;
    try {
      this.sender.send(data, port, address, this.onSent);
    } catch {
      this.sent.errors++;
    }
  }

  /** Sends to the SPDP multicast group (when joined). */
  get multicastEnabled(): boolean {
    return this.locators.metatrafficMulticast.length > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }
}

function bindSocket(port: number, address: string, reuse: boolean, rcvbuf: number, onPacket: PacketHandler): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: reuse });
    let bound = false;
    s.on('error', () => {
      if (!bound) {
        try {
          s.close();
        } catch {
          /* ignore */
        }
        resolve(null);
      }
      // After binding, errors (e.g. ICMP unreachable) are ignored: UDP is best effort.
    });
    s.on('message', (msg, rinfo) => onPacket(msg, rinfo));
    s.bind(port, address, () => {
      bound = true;
      try {
        s.setRecvBufferSize(rcvbuf);
      } catch {
        /* the kernel caps it at net.core.rmem_max */
      }
      try {
        s.setSendBufferSize(rcvbuf);
      } catch {
        /* same */
      }
      resolve(s);
    });
  });
}

/** IPv4 addresses of the wanted interfaces (names or addresses); default every external IPv4. */
function interfaceAddresses(wanted?: string[]): string[] {
  const all = os.networkInterfaces();
  const out: string[] = [];
  for (const [name, infos] of Object.entries(all)) {
    for (const i of infos ?? []) {
      if (i.family !== 'IPv4') continue;
      if (wanted && wanted.length > 0) {
        if (wanted.includes(name) || wanted.includes(i.address)) out.push(i.address);
      } else if (!i.internal) out.push(i.address);
    }
  }
  if (wanted) for (const w of wanted) if (/^\d+\.\d+\.\d+\.\d+$/.test(w) && !out.includes(w)) out.push(w);
  return out.length > 0 ? out : ['127.0.0.1'];
}

// A small pcapng reader for test vectors: yields the UDP payloads of IPv4 packets, for the link
// types our captures use (NULL/BSD loopback, Ethernet, Linux cooked v1/v2, raw IP). IPv4
// fragments are reassembled so large datagrams come out whole.
import { readFileSync } from 'node:fs';

export interface UdpDatagram {
  /** 1-based frame number, as Wireshark counts. */
  frame: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const SPB = 0x00000003;

export function readPcapngUdp(path: string): UdpDatagram[] {
  const buf = readFileSync(path);
  const out: UdpDatagram[] = [];
  const linkTypes: number[] = [];
  const fragments = new Map<string, { parts: Array<[number, Buffer]>; total: number }>();
  let le = true;
  let pos = 0;
  let frame = 0;
  while (pos + 12 <= buf.length) {
    const typeLE = buf.readUInt32LE(pos);
    if (typeLE === SHB) {
      const magic = buf.readUInt32LE(pos + 8);
      le = magic === 0x1a2b3c4d;
      linkTypes.length = 0;
    }
    const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
    const type = u32(pos);
    const len = u32(pos + 4);
    if (len < 12 || pos + len > buf.length) throw new Error(`pcapng: bad block length ${len} at ${pos}`);
    const body = pos + 8;
    if (type === IDB) linkTypes.push(u16(body));
    else if (type === EPB || type === SPB) {
      frame++;
      let link: number;
      let data: Buffer;
      if (type === EPB) {
        link = linkTypes[u32(body)] ?? 1;
        const capLen = u32(body + 12);
        data = buf.subarray(body + 20, body + 20 + capLen);
      } else {
        link = linkTypes[0] ?? 1;
        data = buf.subarray(body + 4, pos + len - 4);
      }
      const ip = ipv4Start(link, data);
      if (ip >= 0) {
        const d = udpFromIpv4(data.subarray(ip), frame, fragments);
        if (d) out.push(d);
      }
    }
    pos += len;
  }
  return out;
}

function ipv4Start(link: number, d: Buffer): number {
  switch (link) {
    case 0: // NULL: 4-byte address family in host order (2 = AF_INET on every OS)
      return d.readUInt32LE(0) === 2 || d.readUInt32BE(0) === 2 ? 4 : -1;
    case 1: {
      let off = 12;
      let et = d.readUInt16BE(off);
      while (et === 0x8100) {
        off += 4;
        et = d.readUInt16BE(off);
      }
      return et === 0x0800 ? off + 2 : -1;
    }
    case 101:
    case 12:
    case 228:
      return 0;
    case 113:
      return d.readUInt16BE(14) === 0x0800 ? 16 : -1;
    case 276:
      return d.readUInt16BE(0) === 0x0800 ? 20 : -1;
    default:
      return -1;
  }
}

function ipString(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function udpFromIpv4(ip: Buffer, frame: number, fragments: Map<string, { parts: Array<[number, Buffer]>; total: number }>): UdpDatagram | undefined {
  if (ip.length < 20 || ip[0] >> 4 !== 4) return undefined;
  const ihl = (ip[0] & 0x0f) * 4;
  const totalLen = ip.readUInt16BE(2);
  if (ip[9] !== 17) return undefined;
  const flagsFrag = ip.readUInt16BE(6);
  const more = (flagsFrag & 0x2000) !== 0;
  const offset = (flagsFrag & 0x1fff) * 8;
  let l4 = ip.subarray(ihl, Math.min(ip.length, totalLen));
  if (more || offset > 0) {
    const key = `${ipString(ip, 12)}>${ipString(ip, 16)}#${ip.readUInt16BE(4)}`;
    const f = fragments.get(key) ?? { parts: [], total: -1 };
    fragments.set(key, f);
    f.parts.push([offset, Buffer.from(l4)]);
    if (!more) f.total = offset + l4.length;
    const have = f.parts.reduce((n, [, b]) => n + b.length, 0);
    if (f.total < 0 || have < f.total) return undefined;
    const whole = Buffer.alloc(f.total);
    for (const [o, b] of f.parts) b.copy(whole, o);
    fragments.delete(key);
    l4 = whole;
  }
  if (l4.length < 8) return undefined;
  const udpLen = l4.readUInt16BE(4);
  return { frame, src: ipString(ip, 12), dst: ipString(ip, 16), srcPort: l4.readUInt16BE(0), dstPort: l4.readUInt16BE(2), payload: l4.subarray(8, Math.min(l4.length, udpLen)) };
}

/** RTPS datagrams only (payload starts with "RTPS"). */
export function readRtpsDatagrams(path: string): UdpDatagram[] {
  return readPcapngUdp(path).filter((d) => d.payload.length >= 20 && d.payload.toString('latin1', 0, 4) === 'RTPS');
}

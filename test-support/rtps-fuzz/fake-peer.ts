// A fake RTPS peer on a real UDP socket (127.0.0.1): announces itself with SPDP, sends raw
// datagrams to a participant's ports, and waits for the participant's answers (ACKNACKs) to
// prove it is still alive: the "heartbeat round trip".
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Bytes, ENTITY, SM, header, sedpHeartbeatDatagram, sn, spdpDatagram, submessageIds } from './datagrams.js';

/** Where the participant under test listens. */
export interface Target {
  domainId: number;
  /** Metatraffic (SPDP/SEDP) unicast port. */
  metaPort: number;
  /** User-traffic unicast port. */
  userPort: number;
  /** Its GUID prefix (12 bytes). */
  prefix: Buffer;
}

/** A fresh GUID prefix (vendor bytes 0xf0 0x0f so it is recognisable in captures). */
export function fakePrefix(): Buffer {
  const p = randomBytes(12);
  p[0] = 0xf0;
  p[1] = 0x0f;
  return p;
}

export class FakePeer {
  readonly prefix: Buffer;
  private readonly socket: dgram.Socket;
  private readonly waiters: Array<(d: Buffer) => boolean> = [];
  private hbCount = 1;
  /** Datagrams the participant sent us. */
  received = 0;

  private constructor(socket: dgram.Socket, prefix: Buffer) {
    this.socket = socket;
    this.prefix = prefix;
    socket.on('message', (d) => {
      this.received++;
      for (let i = this.waiters.length - 1; i >= 0; i--) if (this.waiters[i](d)) this.waiters.splice(i, 1);
    });
  }

  static async open(prefix = fakePrefix()): Promise<FakePeer> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(0, '127.0.0.1', () => res());
    });
    s.setSendBufferSize?.(4 * 1024 * 1024);
    return new FakePeer(s, prefix);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(d: Buffer, port: number): Promise<void> {
    return new Promise((res) => this.socket.send(d, port, '127.0.0.1', () => res()));
  }

  /** The next HEARTBEAT count of our SEDP publications writer (readers ignore counts that do not grow). */
  nextCount(): number {
    return ++this.hbCount;
  }

  /** Waits for an ACKNACK from the target's SEDP publications reader. */
  acknack(what: string, timeoutMs = 5000): Promise<Buffer> {
    return this.waitFor((d) => submessageIds(d).some((s) => s.id === SM.ACKNACK && s.writerId === ENTITY.PUB_WRITER), what, timeoutMs);
  }

  /** Announces this peer (SPDP) to the target, reachable at our socket. */
  announce(t: Target, leaseSec = 30): Promise<void> {
    return this.send(spdpDatagram(this.prefix, t.domainId, this.port, leaseSec), t.metaPort);
  }

  /**
   * Announces this peer and waits until the target matched it: matching the target's SEDP reader
   * with our writer sends a pre-emptive ACKNACK, so the next ACKNACK we see answers our HEARTBEAT.
   */
  async join(t: Target, timeoutMs = 10_000): Promise<void> {
    const preemptive = this.acknack('the pre-emptive ACKNACK of a new match', timeoutMs);
    await this.announce(t);
    await preemptive;
  }

  /** Resolves with the first datagram `match` accepts, or rejects after `timeoutMs`. */
  waitFor(match: (d: Buffer) => boolean, what: string, timeoutMs = 5000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const w = (d: Buffer) => {
        if (!match(d)) return false;
        clearTimeout(t);
        resolve(d);
        return true;
      };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /**
   * Heartbeat round trip: a non-final HEARTBEAT of an empty writer (first 1, last 0) from our SEDP
   * publications writer; the participant must answer with an ACKNACK. Returns the ACKNACK's
   * readerSNState base (where the participant's reader stands), as a bigint.
   */
  async roundTrip(t: Target, timeoutMs = 5000): Promise<bigint> {
    const answer = this.acknack('ACKNACK to our HEARTBEAT', timeoutMs);
    await this.send(sedpHeartbeatDatagram(this.prefix, sn(1n), sn(0n), ++this.hbCount), t.metaPort);
    return acknackBase(await answer);
  }


  /** A datagram from us: the RTPS header with our prefix, then what `body` appends. */
  datagram(body: (b: Bytes) => void): Buffer {
    const b = header(new Bytes(), this.prefix);
    body(b);
    return b.done();
  }

  close(): void {
    this.socket.close();
  }
}

/** The readerSNState base of the first ACKNACK on the SEDP publications writer in `d`. */
export function acknackBase(d: Buffer): bigint {
  let pos = 20;
  while (pos + 4 <= d.length) {
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (d[pos] === SM.ACKNACK && d.readUInt32BE(pos + 8) === ENTITY.PUB_WRITER) {
      const high = le ? d.readInt32LE(pos + 12) : d.readInt32BE(pos + 12);
      const low = le ? d.readUInt32LE(pos + 16) : d.readUInt32BE(pos + 16);
      return (BigInt(high) << 32n) + BigInt(low);
    }
    pos += 4 + len;
  }
  throw new Error('no ACKNACK in datagram');
}

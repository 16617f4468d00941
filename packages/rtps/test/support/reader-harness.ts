// A reliable reader matched to one remote writer, without sockets: the reader's output is decoded from the
// datagrams it builds (reliable-reader-start and reliable-reader-repair tests).
import { ReassemblyBudget } from '../../src/fragment-reassembly.js';
import { makeGuid } from '../../src/guid.js';
import { decodeMessage } from '../../src/message.js';
import { MessageBuilder } from '../../src/outgoing.js';
import { resolveQos, type DurabilityKind } from '../../src/qos.js';
import { ReliableReader } from '../../src/reliable-reader.js';
import type { WriterProxy } from '../../src/writer-proxy.js';
import type { Submessage } from '../../src/submessages/index.js';
import { VendorId } from '../../src/vendor.js';

const WRITER_PREFIX = '0a0b0c0d0e0f101112131415';

export interface ReaderHarness {
  reader: ReliableReader;
  proxy: WriterProxy;
  delivered: number[];
  /** SNs requested by each ACKNACK the reader sent since the last call (drops the other submessages sent). */
  nacks(): number[][];
  /** The SN set (base and members) of each ACKNACK the reader sent since the last call (drops the other submessages). */
  ackNacks(): { base: number; set: number[] }[];
  /** Each NACK_FRAG sent since the last call: its sample and fragment numbers (drops the other submessages sent). */
  nackFrags(): { sn: number; frags: number[] }[];
  data(sn: number): void;
  /** Fragments [start, start + count) of sample `sn` (`sampleSize` bytes in `fragmentSize` pieces), at `now`. */
  dataFrag(sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, now?: number): void;
  hb(first: number, last: number): void;
  hbFrag(sn: number, lastFrag: number, count: number, now?: number): void;
  gap(start: number, base: number, extra?: number[]): void;
}

export function readerHarness(durability: DurabilityKind, vendorId: number, writerTransientLocal: boolean): ReaderHarness {
  const sent: Buffer[] = [];
  const out = new MessageBuilder(Buffer.alloc(12, 1), VendorId.MEDKIT, (d) => sent.push(Buffer.from(d)) > 0, 65000);
  const reader = new ReliableReader(
    {
      entityId: 0x107,
      prefixHex: '01'.repeat(12),
      qos: resolveQos({ reliability: 'reliable', durability }),
      maxPendingPerWriter: 2048,
      reassembly: { maxSampleSize: 1 << 20, maxPerWriter: 8, maxBytesPerWriter: 1 << 22, timeoutMs: 10_000 },
      budget: new ReassemblyBudget(1 << 24),
    },
    out,
  );
  const delivered: number[] = [];
  reader.deliver = (c) => delivered.push(c.sn);
  const guid = makeGuid(WRITER_PREFIX, 0x103);
  const proxy = reader.matchWriter({ guid, prefix: Buffer.from(WRITER_PREFIX, 'hex'), entityId: 0x103, vendorId, locators: [{ kind: 1, address: '127.0.0.1', port: 1 }], reliable: true, writerTransientLocal });
  let hbCount = 0;
  const submessages = (): Submessage[] => sent.splice(0).flatMap((d) => decodeMessage(d).submessages);
  return {
    reader,
    proxy,
    delivered,
    nacks: () => submessages().flatMap((s) => (s.kind === 'ACKNACK' ? [s.readerSNState.set] : [])),
    ackNacks: () => submessages().flatMap((s) => (s.kind === 'ACKNACK' ? [{ base: s.readerSNState.base, set: s.readerSNState.set }] : [])),
    nackFrags: () => submessages().flatMap((s) => (s.kind === 'NACK_FRAG' ? [{ sn: s.writerSN, frags: s.fragmentNumberState.set }] : [])),
    data: (sn) => reader.onData(proxy, { writerGuid: guid, sn, payload: Buffer.from([0, 1, 0, 0]), key: false, inlineLe: true, vendorId }),
    dataFrag: (sn, start, count, fragmentSize, sampleSize, now = Date.now()) =>
      reader.onDataFrag(proxy, { sn, start, count, fragmentSize, sampleSize, data: Buffer.alloc(Math.min(count * fragmentSize, sampleSize - (start - 1) * fragmentSize)), inlineQos: undefined, inlineLe: true, timestamp: undefined, key: false, now }),
    hb: (first, last) => reader.onHeartbeat(proxy, first, last, ++hbCount, false),
    hbFrag: (sn, lastFrag, count, now = Date.now()) => reader.onHeartbeatFrag(proxy, sn, lastFrag, count, now),
    gap: (start, base, extra = []) => reader.onGap(proxy, start, base, extra),
  };
}

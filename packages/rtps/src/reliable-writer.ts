// A stateful writer: history cache, one proxy per matched reader, HEARTBEAT/ACKNACK/GAP,
// resend on NACK, NACK_FRAG repair, fragmentation of large samples. Best-effort readers are
// just proxies that never ack.

import { CountGate } from './count-gate.js';
import type { Guid } from './guid.js';
import { makeGuid } from './guid.js';
import type { Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { QoS } from './qos.js';
import { encodeDataFrag } from './submessages/data-frag.js';
import { encodeData } from './submessages/data.js';
import { encodeGap } from './submessages/gap.js';
import { encodeHeartbeat } from './submessages/heartbeat.js';
import { encodeInfoTs } from './submessages/info.js';
import { makeSet, type FragmentNumberSet, type SequenceNumberSet } from './sequence-number.js';
import { WriterHistoryCache, type CacheChange } from './writer-history-cache.js';


/** Datagram size up to which repairs are packed together (Cyclone's default MaxMessageSize is 14720). */
const BATCH_BYTES = 14_000;
/** How long a repaired SN is not repaired again for the same reader (ms). */
const NACK_SUPPRESSION_MS = 200;

/** A matched remote reader as seen by one of our writers. */
interface ReaderProxy {
  guid: Guid;
  prefix: Buffer;
  entityId: number;
  locators: Locator[];
  /** Both sides reliable: the reader acks and we repair. */
  reliable: boolean;
  /** SNs below this are acknowledged (or irrelevant to this reader). */
  ackedBelow: number;
  /** First SN this reader may get (volatile readers start after what existed at match time). */
  firstRelevant: number;
  /**
   * ACKNACK and NACK_FRAG counts through the same gate as a reader's HEARTBEAT counts (count-gate.ts): a reader that
   * re-created its proxy of us (it lost and found us again, or a forged dispose made it) starts its counts over, and
   * a plain "above the last one" test would ignore it for good; so would one forged high count.
   */
  ackNackCounts: CountGate;
  nackFragCounts: CountGate;
  /** Last time we heartbeated this proxy (ms). */
  lastHeartbeat: number;
  /** When we last repaired this reader, and the highest SN of that repair (NACK suppression). */
  lastRepairAt?: number;
  lastRepairHigh?: number;
}

interface WriterOptions {
  entityId: number;
  prefixHex: string;
  qos: QoS;
  /** Largest sample sent as one DATA; above it DATA_FRAG. */
  fragmentSize: number;
  maxSamples: number;
  heartbeatPeriodMs: number;
  /** DDS-Security: the protected form of a sample's serialized payload (applied once, when written). */
  encodePayload?: (payload: Buffer) => Buffer;
  /** DDS-Security: the protected form of each DATA / DATA_FRAG / HEARTBEAT / GAP we send. */
  protect?: (submessage: Buffer) => Buffer;
  /** The first SN written (default 1); built-in writers start at a random one (reachability-proof.ts). */
  firstSn?: number;
}

export class ReliableWriter {
  readonly entityId: number;
  readonly guid: Guid;
  readonly qos: QoS;
  readonly history: WriterHistoryCache;
  readonly readers = new Map<Guid, ReaderProxy>();
  private readonly out: MessageBuilder;
  private readonly fragmentSize: number;
  private readonly heartbeatPeriodMs: number;
  private readonly opts: Pick<WriterOptions, 'encodePayload' | 'protect'>;
  private hbCount = 0;
  private ackWaiters: Array<() => void> = [];
  /** Called on the first ACKNACK from a matched reader: evidence that it matched us. */
  onReaderHeard?: (readerGuid: Guid) => void;

  constructor(opts: WriterOptions, out: MessageBuilder) {
    this.entityId = opts.entityId;
    this.guid = makeGuid(opts.prefixHex, opts.entityId);
    this.qos = opts.qos;
    this.out = out;
    this.fragmentSize = opts.fragmentSize;
    this.heartbeatPeriodMs = opts.heartbeatPeriodMs;
    this.opts = { encodePayload: opts.encodePayload, protect: opts.protect };
    this.history = new WriterHistoryCache(opts.qos.history, opts.maxSamples);
    if (opts.firstSn !== undefined && opts.firstSn > 1) this.history.lastSN = opts.firstSn - 1;
  }

  /** A HEARTBEAT to a reader not matched yet (a probe, reachability-proof.ts), appended to the datagram being built. */
  appendProbe(readerId: number): void {
    this.appendHeartbeat(readerId, false);
  }

  get reliable(): boolean {
    return this.qos.reliability === 'reliable';
  }

  get transientLocal(): boolean {
    return this.qos.durability !== 'volatile';
  }

  /** Adds a change to the history and sends it to every matched reader. */
  writeChange(change: Omit<CacheChange, 'sn'>): number {
    const sn = this.history.nextSN();
    const enc = this.opts.encodePayload;
    const c: CacheChange = enc && change.payload && !change.key ? { ...change, payload: enc(change.payload), sn } : { ...change, sn };
    this.history.add(c);
    if (c.destination !== undefined) {
      // A directed change goes to one reader only (INFO_DST + its reader id).
      const p = this.readers.get(c.destination);
      if (p) this.sendChange(c, p.prefix, p.entityId, p.locators, p.reliable);
      return sn;
    }
    // Group by participant so each participant gets one datagram (readerId 0 when several).
    const byPrefix = new Map<string, ReaderProxy[]>();
    for (const p of this.readers.values()) {
      const k = p.guid.slice(0, 24);
      const list = byPrefix.get(k);
      if (list) list.push(p);
      else byPrefix.set(k, [p]);
    }
    for (const list of byPrefix.values()) {
      const readerId = list.length === 1 ? list[0].entityId : 0;
      const reliable = list.some((p) => p.reliable);
      this.sendChange(c, list[0].prefix, readerId, dedupLocators(list), reliable);
    }
    return sn;
  }

  /** Sends one change (fragmented when large), optionally followed by a HEARTBEAT. */
  private sendChange(c: CacheChange, dst: Buffer, readerId: number, locators: Locator[], withHeartbeat: boolean, onlyFragments?: number[]): void {
    const payload = c.payload;
    const out = this.out;
    if (!payload || payload.length <= this.fragmentSize) {
      const w = out.begin(dst);
      encodeInfoTs(w, c.timestamp, true);
      const at = w.pos;
      encodeData(w, { readerId, writerId: this.entityId, writerSN: c.sn, inlineQos: c.inlineQos, payload, key: c.key, opaque: this.opaque(c) }, true);
      this.seal(at);
      if (withHeartbeat) this.appendHeartbeat(readerId, true);
      out.send(locators);
      return;
    }
    const fragSize = this.fragmentSize;
    const total = Math.ceil(payload.length / fragSize);
    const frags = onlyFragments ?? range(1, total);
    for (let i = 0; i < frags.length; i++) {
      const f = frags[i];
      if (f < 1 || f > total) continue;
      const w = out.begin(dst);
      encodeInfoTs(w, c.timestamp, true);
      const start = (f - 1) * fragSize;
      const at = w.pos;
      encodeDataFrag(
        w,
        {
          readerId,
          writerId: this.entityId,
          writerSN: c.sn,
          fragmentStartingNum: f,
          fragmentsInSubmessage: 1,
          fragmentSize: fragSize,
          sampleSize: payload.length,
          // Inline QoS travels with the first fragment only.
          inlineQos: f === 1 ? c.inlineQos : undefined,
          data: payload.subarray(start, Math.min(payload.length, start + fragSize)),
          key: c.key,
        },
        true,
      );
      this.seal(at);
      if (withHeartbeat && i === frags.length - 1) this.appendHeartbeat(readerId, true);
      out.send(locators);
    }
  }

  private appendHeartbeat(readerId: number, final: boolean, proxy?: ReaderProxy): void {
    const last = this.history.lastSN;
    let first = this.history.firstSN();
    if (proxy && proxy.firstRelevant > first) first = proxy.firstRelevant;
    if (first > last + 1) first = last + 1;
    const at = this.out.w.pos;
    encodeHeartbeat(this.out.w, { readerId, writerId: this.entityId, firstSN: Math.max(1, first), lastSN: last, count: ++this.hbCount, final, liveliness: false }, true);
    this.seal(at);
  }

  /** The change's payload was protected (DDS-Security): it has no encapsulation header to record padding in. */
  private opaque(c: CacheChange): boolean {
    return this.opts.encodePayload !== undefined && !c.key;
  }

  /** Replaces the submessage written from `at` on with its protected form, when security asks for one. */
  private seal(at: number): void {
    const protect = this.opts.protect;
    if (!protect) return;
    const w = this.out.w;
    const secured = protect(Buffer.from(w.buf.subarray(at, w.pos)));
    w.pos = at;
    w.bytes(secured);
  }

  /** Sends a HEARTBEAT to one reader. */
  heartbeat(p: ReaderProxy, final: boolean, now: number): void {
    this.out.begin(p.prefix);
    this.appendHeartbeat(p.entityId, final, p);
    this.out.send(p.locators);
    p.lastHeartbeat = now;
  }

  /**
   * First words to a new reliable reader: a GAP for the history it must not get (a volatile
   * reader's view starts at the match, like Fast DDS does), then a HEARTBEAT from its first SN.
   */
  private greet(p: ReaderProxy, now: number): void {
    const w = this.out.begin(p.prefix);
    const oldest = this.history.firstSN();
    if (oldest < p.firstRelevant) {
      const at = w.pos;
      encodeGap(w, { readerId: p.entityId, writerId: this.entityId, gapStart: oldest, gapList: makeSet(p.firstRelevant, []) }, true);
      this.seal(at);
    }
    this.appendHeartbeat(p.entityId, false, p);
    this.out.send(p.locators);
    p.lastHeartbeat = now;
  }

  /** Adds (or updates) a matched reader. Transient-local history goes to late joiners. */
  matchReader(p: Omit<ReaderProxy, 'ackedBelow' | 'firstRelevant' | 'ackNackCounts' | 'nackFragCounts' | 'lastHeartbeat'>, readerVolatile: boolean, now: number): ReaderProxy {
    const existing = this.readers.get(p.guid);
    if (existing) {
      existing.locators = p.locators;
      return existing;
    }
    const historical = this.transientLocal && !readerVolatile;
    const firstRelevant = historical ? 1 : this.history.lastSN + 1;
    const proxy: ReaderProxy = { ...p, ackedBelow: firstRelevant, firstRelevant, ackNackCounts: new CountGate(), nackFragCounts: new CountGate(), lastHeartbeat: 0 };
    this.readers.set(p.guid, proxy);
    if (proxy.reliable) this.greet(proxy, now);
    else if (historical) for (const c of this.history.values()) if (relevantTo(c, proxy)) this.sendChange(c, proxy.prefix, proxy.entityId, proxy.locators, false);
    return proxy;
  }

  unmatchReader(guid: Guid): boolean {
    const had = this.readers.delete(guid);
    if (had) this.checkAcked();
    return had;
  }

  /** ACKNACK from a reader: update its ack state, resend what it asks for, GAP what is gone. */
  onAckNack(readerGuid: Guid, set: SequenceNumberSet, count: number, now: number): void {
    const p = this.readers.get(readerGuid);
    if (!p || !p.reliable) return;
    const first = !p.ackNackCounts.heard;
    if (!p.ackNackCounts.accept(count)) return;
    if (first) this.onReaderHeard?.(readerGuid);
    const last = this.history.lastSN;
    if (set.base > p.ackedBelow) p.ackedBelow = Math.min(set.base, last + 1);
    if (set.set.length === 0) {
      // A reader that acked nothing yet (pre-emptive ACKNACK) learns the range from a HEARTBEAT.
      if (p.ackedBelow <= last || set.base <= 1) this.heartbeat(p, p.ackedBelow > last, now);
      this.checkAcked();
      return;
    }
    const gaps: number[] = [];
    // An ACKNACK that crossed our last repair in flight asks again for what is on its way:
    // do not resend that for a short while (it would double the traffic of a catch-up).
    const suppressBelow = p.lastRepairAt !== undefined && now - p.lastRepairAt < NACK_SUPPRESSION_MS ? (p.lastRepairHigh ?? 0) : 0;
    let high = 0;
    // Repairs are packed several to a datagram (SEDP catch-up after discovery sends hundreds).
    let w = this.out.begin(p.prefix);
    for (const sn of set.set) {
      if (sn > last) break;
      const c = sn >= p.firstRelevant ? this.history.get(sn) : undefined;
      if (!c || !relevantTo(c, p)) {
        gaps.push(sn);
        continue;
      }
      if (sn <= suppressBelow) continue;
      const size = c.payload?.length ?? 0;
      if (size > this.fragmentSize) {
        this.sendChange(c, p.prefix, p.entityId, p.locators, false);
        w = this.out.begin(p.prefix);
        continue;
      }
      if (this.out.size > 20 + 12 && this.out.size + size + 96 + (this.opts.protect ? 128 : 0) > BATCH_BYTES) {
        this.out.send(p.locators);
        w = this.out.begin(p.prefix);
      }
      encodeInfoTs(w, c.timestamp, true);
      const at = w.pos;
      encodeData(w, { readerId: p.entityId, writerId: this.entityId, writerSN: c.sn, inlineQos: c.inlineQos, payload: c.payload, key: c.key, opaque: this.opaque(c) }, true);
      this.seal(at);
      high = sn;
    }
    if (high > 0) {
      p.lastRepairAt = now;
      p.lastRepairHigh = high;
    }
    if (gaps.length > 0) {
      const at = w.pos;
      encodeGap(w, { readerId: p.entityId, writerId: this.entityId, gapStart: gaps[0], gapList: makeSet(gaps[0] + 1, gaps.slice(1)) }, true);
      this.seal(at);
    }
    this.appendHeartbeat(p.entityId, false, p);
    this.out.send(p.locators);
    p.lastHeartbeat = now;
    this.checkAcked();
  }

  /** NACK_FRAG: resend the listed fragments of one sample. */
  onNackFrag(readerGuid: Guid, sn: number, frags: FragmentNumberSet, count: number): void {
    const p = this.readers.get(readerGuid);
    if (!p || !p.reliable || !p.nackFragCounts.accept(count)) return;
    const c = this.history.get(sn);
    if (!c || !relevantTo(c, p)) {
      const w = this.out.begin(p.prefix);
      const at = w.pos;
      encodeGap(w, { readerId: p.entityId, writerId: this.entityId, gapStart: sn, gapList: makeSet(sn + 1, []) }, true);
      this.seal(at);
      this.out.send(p.locators);
      return;
    }
    this.sendChange(c, p.prefix, p.entityId, p.locators, true, frags.set);
  }

  /** Periodic work: heartbeat readers that have not acknowledged everything. */
  tick(now: number): void {
    const last = this.history.lastSN;
    for (const p of this.readers.values()) {
      if (!p.reliable) continue;
      // Readers that never answered are heartbeated too: our first HEARTBEAT may have arrived
      // before they knew us, and their ACKNACK is the evidence that they matched us.
      const unheard = !p.ackNackCounts.heard;
      if ((p.ackedBelow <= last || unheard) && now - p.lastHeartbeat >= this.heartbeatPeriodMs) this.heartbeat(p, false, now);
    }
    if (!this.transientLocal && this.qos.history.kind === 'keep-all') this.history.removeBelow(this.lowestAcked());
  }

  private lowestAcked(): number {
    let low = this.history.lastSN + 1;
    for (const p of this.readers.values()) if (p.reliable && p.ackedBelow < low) low = p.ackedBelow;
    return low;
  }

  /** True when every reliable reader acknowledged every change written so far. */
  allAcked(): boolean {
    return this.lowestAcked() > this.history.lastSN;
  }

  /** Resolves true once every reliable matched reader acknowledged everything, false on timeout. */
  waitForAcknowledgments(timeoutMs: number): Promise<boolean> {
    if (this.allAcked()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.ackWaiters = this.ackWaiters.filter((f) => f !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.ackWaiters.push(done);
    });
  }

  private checkAcked(): void {
    if (this.ackWaiters.length === 0 || !this.allAcked()) return;
    const w = this.ackWaiters;
    this.ackWaiters = [];
    for (const f of w) f();
  }
}

/** False for a directed change and any reader but its destination. */
function relevantTo(c: CacheChange, p: ReaderProxy): boolean {
  return c.destination === undefined || c.destination === p.guid;
}

/** True once the reader sent us an ACKNACK. */
export function readerHeard(p: ReaderProxy): boolean {
  return p.ackNackCounts.heard;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function dedupLocators(list: ReaderProxy[]): Locator[] {
  if (list.length === 1) return list[0].locators;
  const seen = new Set<string>();
  const out: Locator[] = [];
  for (const p of list) {
    for (const l of p.locators) {
      const k = `${l.address}:${l.port}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(l);
      }
    }
  }
  return out;
}

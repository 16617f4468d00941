// A stateful reader: one proxy per matched writer, in-order delivery, HEARTBEAT -> ACKNACK,
// GAP handling, DATA_FRAG reassembly with NACK_FRAG repair. Best-effort proxies deliver in
// order of arrival and drop anything older than what they already delivered.

import { FragmentReassembly, type ReassemblyBudget, type ReassemblyLimits } from './fragment-reassembly.js';
import { makeGuid, type Guid } from './guid.js';
import type { Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { QoS } from './qos.js';
import { makeSet } from './sequence-number.js';
import { encodeAckNack } from './submessages/acknack.js';
import { encodeNackFrag } from './submessages/nack-frag.js';
import type { RtpsTime } from './time.js';

/** A change as received, before any interpretation. */
export interface ReceivedChange {
  writerGuid: Guid;
  sn: number;
  /** Serialized payload or key; undefined for DATA without D/K. */
  payload?: Buffer;
  key: boolean;
  inlineQos?: Buffer;
  inlineLe: boolean;
  timestamp?: RtpsTime;
  vendorId: number;
}

/** A matched remote writer as seen by one of our readers. */
export interface WriterProxy {
  guid: Guid;
  prefix: Buffer;
  entityId: number;
  vendorId: number;
  locators: Locator[];
  reliable: boolean;
  synced: boolean;
  /** Next SN to deliver. */
  nextExpected: number;
  /** Out-of-order samples (null = known irrelevant, from GAP). */
  pending: Map<number, ReceivedChange | null>;
  lastHeartbeatCount: number;
  ackNackCount: number;
  /** When we last asked this writer for missing samples, and the highest SN asked (NACK suppression). */
  lastNackAt?: number;
  lastNackHigh?: number;
  nackFragCount: number;
  frags: FragmentReassembly;
}

export interface ReaderOptions {
  entityId: number;
  prefixHex: string;
  qos: QoS;
  maxPendingPerWriter: number;
  reassembly: ReassemblyLimits;
  budget: ReassemblyBudget;
}

/** How long a requested SN is not requested again from the same writer (ms). */
const NACK_REPEAT_MS = 200;

export class ReliableReader {
  readonly entityId: number;
  readonly guid: Guid;
  readonly qos: QoS;
  readonly writers = new Map<Guid, WriterProxy>();
  /** Called for every in-order change (samples, keys, disposes). */
  deliver: (change: ReceivedChange, proxy: WriterProxy) => void = () => {};
  /** Called on the first HEARTBEAT from a matched writer: evidence that it matched us. */
  onWriterHeard?: (writerGuid: Guid) => void;
  private readonly out: MessageBuilder;
  private readonly opts: ReaderOptions;

  constructor(opts: ReaderOptions, out: MessageBuilder) {
    this.opts = opts;
    this.entityId = opts.entityId;
    this.guid = makeGuid(opts.prefixHex, opts.entityId);
    this.qos = opts.qos;
    this.out = out;
  }

  get transientLocal(): boolean {
    return this.qos.durability !== 'volatile';
  }

  matchWriter(p: { guid: Guid; prefix: Buffer; entityId: number; vendorId: number; locators: Locator[]; reliable: boolean }): WriterProxy {
    const existing = this.writers.get(p.guid);
    if (existing) {
      existing.locators = p.locators;
      return existing;
    }
    const proxy: WriterProxy = {
      ...p,
      synced: false,
      nextExpected: 1,
      pending: new Map(),
      lastHeartbeatCount: -Infinity,
      ackNackCount: 0,
      nackFragCount: 0,
      frags: new FragmentReassembly(this.opts.reassembly, this.opts.budget),
    };
    this.writers.set(p.guid, proxy);
    // Pre-emptive ACKNACK so that the writer starts heartbeating us (§1.7).
    if (proxy.reliable) this.sendAckNack(proxy, 1, [], false);
    return proxy;
  }

  unmatchWriter(guid: Guid): boolean {
    const p = this.writers.get(guid);
    if (!p) return false;
    p.frags.clear();
    this.writers.delete(guid);
    return true;
  }

  onData(p: WriterProxy, change: ReceivedChange): void {
    const sn = change.sn;
    if (!p.reliable) {
      if (sn < p.nextExpected) return;
      p.nextExpected = sn + 1;
      this.deliver(change, p);
      return;
    }
    if (!p.synced) {
      if (!this.transientLocal) {
        // A volatile reader starts with the first sample it sees.
        p.synced = true;
        p.nextExpected = sn;
      } else {
        this.stash(p, sn, change);
        return;
      }
    }
    if (sn < p.nextExpected) return;
    if (sn === p.nextExpected) {
      p.frags.drop(sn);
      p.nextExpected++;
      this.deliver(change, p);
      this.flush(p);
    } else {
      this.stash(p, sn, change);
    }
  }

  private stash(p: WriterProxy, sn: number, c: ReceivedChange | null): void {
    if (p.pending.has(sn)) {
      if (c !== null && p.pending.get(sn) === null) p.pending.set(sn, c);
      return;
    }
    if (p.pending.size >= this.opts.maxPendingPerWriter) return; // repaired later via ACKNACK
    // A change's payload may be a view of the datagram buffer: keep it, the buffer is per datagram.
    p.pending.set(sn, c);
  }

  /** Delivers consecutive pending changes. */
  private flush(p: WriterProxy): void {
    while (p.pending.size > 0) {
      const sn = p.nextExpected;
      if (!p.pending.has(sn)) {
        // Drop stale entries below nextExpected (after a HEARTBEAT/GAP skipped ahead).
        let min = Infinity;
        for (const k of p.pending.keys()) if (k < min) min = k;
        if (min < sn) {
          for (const k of [...p.pending.keys()]) if (k < sn) p.pending.delete(k);
          continue;
        }
        break;
      }
      const c = p.pending.get(sn)!;
      p.pending.delete(sn);
      p.nextExpected++;
      p.frags.drop(sn);
      if (c) this.deliver(c, p);
    }
  }

  onDataFrag(p: WriterProxy, sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, data: Buffer, inlineQos: Buffer | undefined, inlineLe: boolean, timestamp: RtpsTime | undefined, key: boolean, now: number): void {
    if (p.synced && sn < p.nextExpected) return;
    if (p.pending.get(sn)) return;
    const done = p.frags.add(sn, start, count, fragmentSize, sampleSize, data, now, inlineQos, inlineLe, timestamp, key);
    if (!done) return;
    this.onData(p, { writerGuid: p.guid, sn, payload: done.payload, key: done.key, inlineQos: done.inlineQos, inlineLe: done.inlineLe, timestamp: done.timestamp, vendorId: p.vendorId });
  }

  onHeartbeat(p: WriterProxy, first: number, last: number, count: number, final: boolean): void {
    if (!p.reliable) return;
    if (count <= p.lastHeartbeatCount) return;
    if (p.lastHeartbeatCount === -Infinity) this.onWriterHeard?.(p.guid);
    p.lastHeartbeatCount = count;
    if (first < 1) first = 1;
    if (!p.synced) {
      p.synced = true;
      p.nextExpected = this.transientLocal ? first : Math.max(first, last + 1);
      if (!this.transientLocal) {
        // Keep samples that raced ahead of the first heartbeat.
        let min = Infinity;
        for (const [k, v] of p.pending) if (v && k < min) min = k;
        if (min < p.nextExpected && min >= first) p.nextExpected = min;
      }
    }
    if (first > p.nextExpected) {
      p.nextExpected = first;
      p.frags.dropBelow(first);
    }
    this.flush(p);
    const missing: number[] = [];
    const partial: number[] = [];
    const top = Math.min(last, p.nextExpected + 255);
    for (let sn = p.nextExpected; sn <= top; sn++) {
      if (p.pending.has(sn)) continue;
      if (p.frags.has(sn)) partial.push(sn);
      else missing.push(sn);
    }
    for (const sn of partial) this.sendNackFrag(p, sn);
    // Do not ask again, for a short while, for what we just asked for: the repair is probably
    // still in our socket buffer, and asking again would double a catch-up's traffic.
    const now = Date.now();
    let request = missing;
    if (missing.length > 0 && p.lastNackAt !== undefined && now - p.lastNackAt < NACK_REPEAT_MS) {
      const high = p.lastNackHigh ?? 0;
      request = missing.filter((sn) => sn > high);
      if (request.length === 0) return;
    }
    if (request.length > 0) {
      p.lastNackAt = now;
      p.lastNackHigh = request[request.length - 1];
    }
    if (request.length > 0 || !final) this.sendAckNack(p, p.nextExpected, request, missing.length === 0);
  }

  onHeartbeatFrag(p: WriterProxy, sn: number, lastFrag: number, count: number): void {
    if (!p.reliable || count <= p.lastHeartbeatCount) return;
    if (p.frags.has(sn)) this.sendNackFrag(p, sn, lastFrag);
  }

  onGap(p: WriterProxy, start: number, base: number, extra: number[]): void {
    if (!p.synced) {
      if (!p.reliable) return;
      p.synced = true;
      p.nextExpected = start;
    }
    if (start <= p.nextExpected && base > p.nextExpected) {
      p.nextExpected = base;
      p.frags.dropBelow(base);
    } else if (start > p.nextExpected && base - start <= 256) {
      for (let sn = start; sn < base; sn++) this.stash(p, sn, null);
    }
    for (const sn of extra) {
      if (sn === p.nextExpected) p.nextExpected++;
      else if (sn > p.nextExpected) this.stash(p, sn, null);
    }
    this.flush(p);
  }

  private sendAckNack(p: WriterProxy, base: number, missing: number[], final: boolean): void {
    const w = this.out.begin(p.prefix);
    encodeAckNack(w, { readerId: this.entityId, writerId: p.entityId, readerSNState: makeSet(base, missing), count: ++p.ackNackCount, final }, true);
    this.out.send(p.locators);
  }

  private sendNackFrag(p: WriterProxy, sn: number, lastFrag?: number): void {
    const m = p.frags.missing(sn, lastFrag);
    if (!m) return;
    const w = this.out.begin(p.prefix);
    const numBits = m.set.length === 0 ? 0 : m.set[m.set.length - 1] - m.base + 1;
    encodeNackFrag(w, { readerId: this.entityId, writerId: p.entityId, writerSN: sn, fragmentNumberState: { base: m.base, numBits, set: m.set }, count: ++p.nackFragCount }, true);
    this.out.send(p.locators);
  }

  /** Periodic work: expire stale reassemblies. */
  tick(now: number): void {
    for (const p of this.writers.values()) if (p.frags.size > 0) p.frags.expire(now);
  }

  /** Number of buffered out-of-order changes and partial samples (for bounds checks). */
  bufferedCount(): number {
    let n = 0;
    for (const p of this.writers.values()) n += p.pending.size + p.frags.size;
    return n;
  }
}

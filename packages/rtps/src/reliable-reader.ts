// A stateful reader: one proxy per matched writer, in-order delivery, HEARTBEAT -> ACKNACK,
// GAP handling, DATA_FRAG reassembly with NACK_FRAG repair. Best-effort proxies deliver in
// order of arrival and drop anything older than what they already delivered.
// Every SN reaching this file is in 0..SN_MAX (2^52-1, checked by the parser), so `sn + 1` and
// `sn + 256` are exact; every loop over SNs below walks at most 256 of them (one ACKNACK's worth).
// The writer proxies it keeps, and the changes it hands on, are writer-proxy.ts.

import { asksFromFirst, planNextPreempt, preemptBase, preemptStart } from './preempt-asks.js';
import { CountGate } from './count-gate.js';
import { beyondWindow, PendingChanges } from './pending-changes.js';
import type { DataFragInput } from './data-frag-input.js';
import { FragmentReassembly, type ReassemblyBudget, type ReassemblyLimits } from './fragment-reassembly.js';
import { nextFragmentRequest, repairOverdue } from './fragment-repair.js';
import { makeGuid, type Guid } from './guid.js';
import type { Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { QoS } from './qos.js';
import { makeSet, MAX_SET_BITS } from './sequence-number.js';
import { encodeAckNack } from './submessages/acknack.js';
import { encodeNackFrag } from './submessages/nack-frag.js';
import { ConflictLog, SampleDigests } from './sample-digests.js';
import { keptChange, type ReceivedChange, type WriterProxy } from './writer-proxy.js';
import { freshProgress, noteHeartbeat, stuckSince } from './stuck-streams.js';
import { claimBelievable, credibleLimit, noEvidence, noteWritten, trustFirstContact } from './writer-claims.js';

interface ReaderOptions {
  entityId: number;
  prefixHex: string;
  qos: QoS;
  maxPendingPerWriter: number;
  reassembly: ReassemblyLimits;
  budget: ReassemblyBudget;
  /**
   * DDS-Security: protects an ACKNACK / NACK_FRAG (encoded submessage) to a writer; undefined sends it clear.
   * Absent: always clear.
   */
  protect?: (submessage: Buffer) => Buffer | undefined;
  /** The reader lends its payloads (ReaderConfig.lendPayloads): DATA payloads come as views, buffers go back (giveBack). */
  lendPayloads?: boolean;
}

/** How long a requested SN is not requested again from the same writer (ms). */
const NACK_REPEAT_MS = 200;
/** A volatile reader stops waiting for pre-sync SNs the writer never answers after this many heartbeats... */
const PRESYNC_STALL_HEARTBEATS = 3;
/** ...and at least this long without progress (ms). */
const PRESYNC_PATIENCE_MS = 1000;

export class ReliableReader {
  readonly entityId: number;
  readonly guid: Guid;
  readonly qos: QoS;
  /** See ReaderOptions.lendPayloads: the receive path hands this reader DATA payloads as views, not copies. */
  readonly lendsPayloads: boolean;
  readonly writers = new Map<Guid, WriterProxy>();
  /** Called for every in-order change (samples, keys, disposes). */
  deliver: (change: ReceivedChange, proxy: WriterProxy) => void = () => {};
  /** Called on the first HEARTBEAT from a matched writer: evidence that it matched us. */
  onWriterHeard?: (writerGuid: Guid) => void;
  /** Called when samples of a writer are lost (see WriterProxy.lost), with how many. */
  onSamplesLost?: (writerGuid: Guid, count: number) => void;
  /** Samples lost from every writer since the reader was made (writers gone included). */
  samplesLost = 0;
  /** Samples refused for being larger than `reassembly.maxSampleSize` (the reader's bound), each told once here. */
  onSampleRefused?: (writerGuid: Guid, sn: number, sampleSize: number) => void;
  samplesRefused = 0;
  /** A transient-local writer's SN came again with other bytes than the sample taken for it (sample-digests.ts). */
  onConflict?: (writerGuid: Guid, sn: number) => void;
  readonly conflicts = new ConflictLog();
  private readonly out: MessageBuilder;
  private readonly opts: ReaderOptions;
  /**
   * The highest ACKNACK and NACK_FRAG counts this reader sent to any writer: a new proxy's counts start there. A writer
   * that still holds its proxy of an earlier match of ours (we dropped its participant when its lease ran out while
   * its process was stopped, or on a forged dispose) ignores counts at or below the last it took: counting a new
   * proxy from 1 left such a writer deaf to us for good (Fast DDS never heartbeated us again).
   */
  private readonly counts = { ackNack: 0, nackFrag: 0 };

  constructor(opts: ReaderOptions, out: MessageBuilder) {
    this.opts = opts;
    this.entityId = opts.entityId;
    this.guid = makeGuid(opts.prefixHex, opts.entityId);
    this.qos = opts.qos;
    this.lendsPayloads = opts.lendPayloads === true;
    this.out = out;
  }

  get transientLocal(): boolean {
    return this.qos.durability !== 'volatile';
  }

  matchWriter(p: { guid: Guid; prefix: Buffer; entityId: number; vendorId: number; locators: Locator[]; reliable: boolean; writerTransientLocal: boolean }): WriterProxy {
    const existing = this.writers.get(p.guid);
    if (existing) {
      existing.locators = p.locators;
      return existing;
    }
    const proxy: WriterProxy = {
      ...p,
      synced: false,
      nextExpected: 1,
      presyncAt: 0,
      presyncStalls: 0,
      presyncProgressAt: 0,
      pending: new PendingChanges<ReceivedChange>(this.opts.maxPendingPerWriter, this.opts.reassembly.maxBytesPerWriter, this.opts.budget),
      heartbeatCounts: new CountGate(),
      heartbeatFragCounts: new CountGate(),
      liveSn: 0,
      liveLastFrag: 0,
      lost: 0,
      written: noEvidence(),
      ...freshProgress(Date.now()),
      ackNackCount: this.counts.ackNack,
      nackFragCount: this.counts.nackFrag,
      ...preemptStart(Date.now()),
      ...(p.reliable && p.writerTransientLocal ? { digests: new SampleDigests() } : {}),
    };
    this.writers.set(p.guid, proxy);
    // Pre-emptive ACKNACK so that the writer starts heartbeating us (packages/rtps/README.md).
    if (proxy.reliable) this.sendAckNack(proxy, preemptBase(proxy.vendorId, proxy.entityId), [], false);
    return proxy;
  }

  /**
   * A lending reader's listeners are done with `c` (ReaderConfig.lendPayloads): a reassembled sample's buffer goes back
   * to the writer's reassembly for a later sample. Nothing for other changes, or once the writer was unmatched.
   */
  giveBack(p: WriterProxy, c: ReceivedChange): void {
    if (c.backing) p.frags?.giveBack(c.backing, Date.now());
  }

  unmatchWriter(guid: Guid): boolean {
    const p = this.writers.get(guid);
    if (!p) return false;
    p.frags?.clear();
    p.pending.clear();
    this.writers.delete(guid);
    return true;
  }

  onData(p: WriterProxy, change: ReceivedChange): void {
    const sn = change.sn;
    if (change.payload && change.payload.length > this.opts.reassembly.maxSampleSize) return this.refuse(p, sn, change.payload.length);
    if (!p.reliable) {
      // A forged DATA far ahead would make every later real sample look old (writer-claims.ts).
      if (sn < p.nextExpected || !noteWritten(p.written, sn, Date.now())) return;
      p.nextExpected = sn + 1;
      this.deliver(change, p);
      return;
    }
    if (!p.synced) {
      // Even a volatile reader cannot start at the first sample it sees: the writer may owe it
      // earlier ones (written after it matched us, before we knew it). The first HEARTBEAT decides;
      // our pre-emptive ACKNACK asks for it, and writers piggy-back one on data.
      this.stash(p, sn, change);
      return;
    }
    if (sn < p.nextExpected) {
      if (p.digests && change.payload && p.digests.conflicts(sn, change.payload)) this.conflict(p, sn);
      return;
    }
    if (!noteWritten(p.written, sn, Date.now())) return;
    if (sn === p.nextExpected) {
      p.frags?.drop(sn);
      p.nextExpected++;
      this.hand(change, p);
      this.flush(p);
    } else {
      this.stash(p, sn, change);
    }
  }

  /** Passes over `sn`, too large for this reader, as received: asked for again it would come again, holding up the rest. */
  private refuse(p: WriterProxy, sn: number, sampleSize: number): void {
    if (!p.reliable) {
      if (sn < p.nextExpected || !noteWritten(p.written, sn, Date.now())) return;
      p.nextExpected = sn + 1;
    } else {
      if (p.pending.has(sn) || (p.synced && (sn < p.nextExpected || !noteWritten(p.written, sn, Date.now())))) return;
      this.stash(p, sn, null);
      if (!p.pending.has(sn)) return; // beyond the window: refused when it comes again
      if (p.synced) this.flush(p);
    }
    this.samplesRefused++;
    this.onSampleRefused?.(p.guid, sn, sampleSize);
  }

  /** Marks `sn` irrelevant (GAP), counting it lost when `counted` and it had not arrived. */
  private stashGap(p: WriterProxy, sn: number, counted: boolean): void {
    if (p.pending.has(sn)) return;
    this.stash(p, sn, null);
    if (counted && p.pending.has(sn)) this.countLost(p, 1);
  }

  private stash(p: WriterProxy, sn: number, c: ReceivedChange | null): void {
    if (p.pending.has(sn)) {
      const held = p.pending.get(sn);
      if (c !== null && held === null) p.pending.set(sn, keptChange(c));
      else if (p.digests && c?.payload && held?.payload && !c.payload.equals(held.payload)) this.conflict(p, sn);
      return;
    }
    if (beyondWindow(p, sn, this.opts.maxPendingPerWriter)) return; // as past the count or byte bounds: repaired later
    p.pending.set(sn, c && keptChange(c));
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
      p.frags?.drop(sn);
      if (c) this.hand(c, p);
    }
  }

  /** Delivers an in-order change of a reliable writer, remembering what a transient-local one sent (sample-digests.ts). */
  private hand(c: ReceivedChange, p: WriterProxy): void {
    if (p.digests && c.payload) p.digests.note(c.sn, c.payload);
    this.deliver(c, p);
  }

  private conflict(p: WriterProxy, sn: number): void {
    this.conflicts.note(p.guid, sn, Date.now(), this.writers);
    this.onConflict?.(p.guid, sn);
  }

  /** Takes one DATA_FRAG's fragments from writer `p`; a sample they complete is handled as a DATA. */
  onDataFrag(p: WriterProxy, f: DataFragInput): void {
    if ((p.synced && f.sn < p.nextExpected) || beyondWindow(p, f.sn, this.opts.maxPendingPerWriter)) return;
    if (p.pending.get(f.sn)) return;
    if (p.synced && !noteWritten(p.written, f.sn, f.now)) return;
    if (f.sampleSize > this.opts.reassembly.maxSampleSize) return this.refuse(p, f.sn, f.sampleSize); // no buffer made for it
    p.frags ??= new FragmentReassembly(this.opts.reassembly, this.opts.budget);
    const done = p.frags.add(f.sn, f.start, f.count, f.fragmentSize, f.sampleSize, f.data, f.now, f.inlineQos, f.inlineLe, f.timestamp, f.key, f.origin);
    // A repair arriving asks for more at once, not at the next HEARTBEAT, so that it runs at the pace of the round
    // trip (a KEEP_LAST writer overwrites what waits).
    if (p.repair?.sn === f.sn) this.repairFragments(p, f.now, false);
    if (!done) return;
    this.onData(p, { writerGuid: p.guid, sn: f.sn, payload: done.payload, key: done.key, inlineQos: done.inlineQos, inlineLe: done.inlineLe, timestamp: done.timestamp, vendorId: p.vendorId, backing: done.backing });
  }

  /** Asks the writer for the fragments fragment-repair.ts says to ask for now, if any. */
  private repairFragments(p: WriterProxy, now: number, fromHeartbeat: boolean): void {
    const m = nextFragmentRequest(p, now, fromHeartbeat);
    if (m) this.sendNackFrag(p, m.sn, m);
  }

  onHeartbeat(p: WriterProxy, first: number, last: number, count: number, final: boolean): void {
    if (!p.reliable) return;
    const firstHeard = !p.heartbeatCounts.heard;
    if (!p.heartbeatCounts.accept(count)) return;
    if (firstHeard) this.onWriterHeard?.(p.guid);
    if (first < 1) first = 1;
    const now = Date.now();
    if (!p.synced) this.sync(p, first, last, now);
    // "I no longer have SNs below `first`" is believed only if the writer could have written them (writer-claims.ts).
    if (first > p.nextExpected && claimBelievable(p.written, first - 1, now)) this.skipTo(p, first);
    this.flush(p);
    if (p.presyncHigh !== undefined) this.checkPresync(p, now);
    const owed = Math.min(last, credibleLimit(p.written, now));
    noteHeartbeat(p, owed, now);
    const missing: number[] = [];
    const top = Math.min(owed, p.nextExpected + MAX_SET_BITS - 1);
    for (let sn = p.nextExpected; sn <= top; sn++) if (!p.pending.has(sn) && !p.frags?.has(sn)) missing.push(sn);
    this.repairFragments(p, now, true);
    // Do not ask again, for a short while, for what we just asked for: the repair is probably
    // still in our socket buffer, and asking again would double a catch-up's traffic. Only a
    // request for everything missing restarts that while: asking for newer SNs alone does not
    // postpone asking again for the older ones (a KEEP_LAST writer would overwrite them meanwhile).
    let request = missing;
    const full = p.lastNackAt === undefined || now - p.lastNackAt >= NACK_REPEAT_MS;
    if (missing.length > 0 && !full) {
      const high = p.lastNackHigh ?? 0;
      request = missing.filter((sn) => sn > high);
      if (request.length === 0) return;
    }
    if (request.length > 0) {
      if (full) p.lastNackAt = now;
      p.lastNackHigh = Math.max(p.lastNackHigh ?? 0, request[request.length - 1]);
    }
    if (request.length > 0 || !final) this.sendAckNack(p, p.nextExpected, request, missing.length === 0);
  }

  /**
   * The writer no longer has the SNs below `to` (a HEARTBEAT's `first`, a GAP's end): delivers, in order, those of
   * them that did arrive and moves on to `to`, counting the others as lost (not those a volatile reader may not be
   * owed: presync; nor those a GAP said were irrelevant).
   */
  private skipTo(p: WriterProxy, to: number): void {
    const counted = p.presyncHigh === undefined;
    let lost = 0;
    if (p.pending.size > 0) {
      // At most maxPendingPerWriter entries, only when the writer moved on without us.
      const held = [...p.pending.keys()].filter((k) => k >= p.nextExpected && k < to).sort((a, b) => a - b);
      for (const k of held) {
        lost += k - p.nextExpected;
        const c = p.pending.get(k);
        p.pending.delete(k);
        p.nextExpected = k + 1;
        p.frags?.drop(k);
        if (c) this.hand(c, p);
      }
    }
    lost += to - p.nextExpected;
    p.nextExpected = to;
    p.frags?.dropBelow(to);
    if (counted) this.countLost(p, lost);
  }

  private countLost(p: WriterProxy, n: number): void {
    if (n <= 0) return;
    p.lost += n;
    this.samplesLost += n;
    this.onSamplesLost?.(p.guid, n);
  }

  /** Sets the start point from the first HEARTBEAT(first, last) of a writer. */
  private sync(p: WriterProxy, first: number, last: number, now: number): void {
    p.synced = true;
    trustFirstContact(p.written, Math.max(last, first - 1), now);
    const gap = p.earlyGap;
    p.earlyGap = undefined;
    // An early GAP's irrelevant SNs end, at the furthest, after the writer's last one.
    if (gap && gap.base > last + 1) gap.base = Math.max(gap.start, last + 1);
    if (this.transientLocal || asksFromFirst(p.vendorId, p.writerTransientLocal)) {
      p.nextExpected = gap && gap.start <= first && gap.base > first ? gap.base : first;
      if (!this.transientLocal && last >= first) {
        p.presyncHigh = last;
        p.presyncAt = p.nextExpected;
        p.presyncStalls = 0;
        p.presyncProgressAt = now;
      }
      return;
    }
    p.nextExpected = last + 1;
    // Keep samples that raced ahead of the first heartbeat.
    let min = Infinity;
    for (const [k, v] of p.pending.entries()) if (v && k < min) min = k;
    if (min < p.nextExpected && min >= first) p.nextExpected = min;
  }

  /**
   * A volatile reader waiting for SNs announced by the first HEARTBEAT: once the writer has
   * neither sent nor GAPped them for a few heartbeats, deliver what did arrive and skip the rest
   * (what a reader starting after `last` would have skipped anyway), so live data is not held up.
   */
  private checkPresync(p: WriterProxy, now: number): void {
    const high = p.presyncHigh!;
    if (p.nextExpected > high) {
      p.presyncHigh = undefined;
      return;
    }
    if (p.nextExpected !== p.presyncAt) {
      p.presyncAt = p.nextExpected;
      p.presyncStalls = 0;
      p.presyncProgressAt = now;
      return;
    }
    if (++p.presyncStalls < PRESYNC_STALL_HEARTBEATS || now - p.presyncProgressAt < PRESYNC_PATIENCE_MS) return;
    const held = [...p.pending.keys()].filter((k) => k <= high).sort((a, b) => a - b);
    for (const k of held) {
      if (k < p.nextExpected) continue;
      p.nextExpected = k;
      this.flush(p);
    }
    if (p.nextExpected <= high) p.nextExpected = high + 1;
    p.frags?.dropBelow(p.nextExpected);
    p.presyncHigh = undefined;
    this.flush(p);
  }

  onHeartbeatFrag(p: WriterProxy, sn: number, lastFrag: number, count: number, now: number): void {
    if (!p.reliable || !p.heartbeatFragCounts.accept(count)) return;
    if (sn > p.liveSn || (sn === p.liveSn && lastFrag > p.liveLastFrag)) {
      p.liveSn = sn;
      p.liveLastFrag = lastFrag;
    }
    this.repairFragments(p, now, false);
  }

  onGap(p: WriterProxy, start: number, base: number, extra: number[]): void {
    if (!p.synced) {
      if (!p.reliable) return;
      if (start > 1) {
        // Irrelevant SNs, not a start point: remember them until the first HEARTBEAT.
        if (base - start <= 256) for (let sn = start; sn < base; sn++) this.stash(p, sn, null);
        else if (base > (p.earlyGap?.base ?? 0)) p.earlyGap = { start, base };
        for (const sn of extra) this.stash(p, sn, null);
        return;
      }
      // Nothing before `base` is for us: that is where we start.
      p.synced = true;
      p.nextExpected = 1;
      trustFirstContact(p.written, base - 1, Date.now());
    }
    // "SNs below `base` are not for you" is believed only if the writer could have written them (writer-claims.ts).
    if (!claimBelievable(p.written, Math.max(base - 1, extra.length > 0 ? extra[extra.length - 1] : 0), Date.now())) return;
    // After the start point, SNs a GAP takes away that we had not received are lost to us (a KEEP_LAST writer
    // answers a request for a sample it overwrote with a GAP, which may span samples we did receive: those are
    // delivered); before it (presync), the writer may not owe them.
    const counted = p.presyncHigh === undefined;
    if (start <= p.nextExpected && base > p.nextExpected) {
      this.skipTo(p, base);
    } else if (start > p.nextExpected && base - start <= 256) {
      for (let sn = start; sn < base; sn++) this.stashGap(p, sn, counted);
    }
    for (const sn of extra) {
      if (sn === p.nextExpected) {
        if (counted) this.countLost(p, 1);
        p.nextExpected++;
      } else if (sn > p.nextExpected) this.stashGap(p, sn, counted);
    }
    this.flush(p);
  }

  private sendAckNack(p: WriterProxy, base: number, missing: readonly number[], final: boolean): void {
    const w = this.out.begin(p.prefix);
    const at = w.pos;
    const count = ++p.ackNackCount;
    if (count > this.counts.ackNack) this.counts.ackNack = count;
    encodeAckNack(w, { readerId: this.entityId, writerId: p.entityId, readerSNState: makeSet(base, missing), count, final }, true);
    this.protectFrom(at);
    this.out.send(p.locators);
  }

  private sendNackFrag(p: WriterProxy, sn: number, m: { base: number; set: number[] }): void {
    const w = this.out.begin(p.prefix);
    const numBits = m.set.length === 0 ? 0 : m.set[m.set.length - 1] - m.base + 1;
    const at = w.pos;
    const count = ++p.nackFragCount;
    if (count > this.counts.nackFrag) this.counts.nackFrag = count;
    encodeNackFrag(w, { readerId: this.entityId, writerId: p.entityId, writerSN: sn, fragmentNumberState: { base: m.base, numBits, set: m.set }, count }, true);
    this.protectFrom(at);
    this.out.send(p.locators);
  }

  /** Replaces the submessage written from `at` on with its protected form, when security asks for one. */
  private protectFrom(at: number): void {
    const protect = this.opts.protect;
    if (!protect) return;
    const w = this.out.w;
    const secured = protect(Buffer.from(w.buf.subarray(at, w.pos)));
    if (!secured) return;
    w.pos = at;
    w.bytes(secured);
  }

  /**
   * Periodic work: expire stale reassemblies (and reassembly buffers kept unused), ask again for unanswered repairs,
   * and ask again a writer that never heartbeated us (backing off: nothing unbounded goes to a silent peer).
   */
  tick(now: number): void {
    for (const p of this.writers.values()) {
      if (p.reliable && !p.heartbeatCounts.heard && now >= p.preemptAt) {
        planNextPreempt(p, now);
        this.sendAckNack(p, preemptBase(p.vendorId, p.entityId), [], false);
      }
      if (p.frags && p.frags.heldBytes > 0) p.frags.expire(now);
      if (p.repair && repairOverdue(p.repair, now)) this.repairFragments(p, now, false);
    }
  }

  /** The writers whose stream is stuck (stuck-streams.ts), with since when. */
  stuckWriters(now: number): Array<{ proxy: WriterProxy; since: number }> {
    const out: Array<{ proxy: WriterProxy; since: number }> = [];
    for (const p of this.writers.values()) {
      const since = stuckSince(p, now);
      if (since !== undefined) out.push({ proxy: p, since });
    }
    return out;
  }

  /** Number of buffered out-of-order changes and partial samples (for bounds checks). */
  bufferedCount(): number {
    let n = 0;
    for (const p of this.writers.values()) n += p.pending.size + (p.frags?.size ?? 0);
    return n;
  }
}

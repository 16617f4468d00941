// Writer history cache: the changes a writer keeps for retransmission and late joiners.
// KEEP_LAST keeps `depth` changes per instance; KEEP_ALL keeps up to `maxSamples` (oldest
// dropped beyond, because write() never blocks).

import type { History } from './qos.js';
import type { RtpsTime } from './time.js';

export interface CacheChange {
  sn: number;
  /** Serialized payload or serialized key (see `key`). */
  payload?: Buffer;
  key: boolean;
  /** Encoded inline QoS (little-endian parameter list). */
  inlineQos?: Buffer;
  timestamp: RtpsTime;
  /** Instance key for keyed writers (SEDP); '' for keyless topics. */
  instance: string;
  /** Only this matched reader may get the change (directed writes, e.g. service requests); others get a GAP. */
  destination?: string;
}

export class WriterHistoryCache {
  private readonly changes = new Map<number, CacheChange>();
  private readonly byInstance = new Map<string, number[]>();
  private readonly history: History;
  private readonly maxSamples: number;
  /** Highest sequence number ever assigned (0 before the first write). */
  lastSN = 0;

  constructor(history: History, maxSamples: number) {
    this.history = history;
    this.maxSamples = Math.max(1, maxSamples);
  }

  nextSN(): number {
    return ++this.lastSN;
  }

  /** Adds a change; evicts what the history policy no longer keeps. */
  add(change: CacheChange): void {
    this.changes.set(change.sn, change);
    let list = this.byInstance.get(change.instance);
    if (!list) {
      list = [];
      this.byInstance.set(change.instance, list);
    }
    list.push(change.sn);
    if (this.history.kind === 'keep-last') {
      while (list.length > this.history.depth) this.changes.delete(list.shift()!);
    }
    while (this.changes.size > this.maxSamples) this.removeOldest();
  }

  private removeOldest(): void {
    const first = this.changes.keys().next();
    if (first.done) return;
    this.remove(first.value);
  }

  remove(sn: number): void {
    const c = this.changes.get(sn);
    if (!c) return;
    this.changes.delete(sn);
    const list = this.byInstance.get(c.instance);
    if (list) {
      const i = list.indexOf(sn);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byInstance.delete(c.instance);
    }
  }

  /** Removes every change of an instance (e.g. after it was unregistered and the dispose delivered). */
  removeInstance(instance: string): void {
    for (const sn of [...(this.byInstance.get(instance) ?? [])]) this.remove(sn);
  }

  get(sn: number): CacheChange | undefined {
    return this.changes.get(sn);
  }

  /** Oldest SN still held, or lastSN+1 when empty. */
  firstSN(): number {
    const first = this.changes.keys().next();
    return first.done ? this.lastSN + 1 : first.value;
  }

  get size(): number {
    return this.changes.size;
  }

  /** Changes in SN order. */
  values(): IterableIterator<CacheChange> {
    return this.changes.values();
  }

  /** Drops changes with SN < sn (KEEP_ALL volatile writers release acknowledged samples). */
  removeBelow(sn: number): void {
    for (const k of [...this.changes.keys()]) {
      if (k >= sn) break;
      this.remove(k);
    }
  }
}

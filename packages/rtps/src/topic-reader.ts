// The public reader: emits samples in order per writer, keeps a bounded history for take().

import { EventEmitter } from 'node:events';
import type { EndpointData } from './discovery-sedp-data.js';
import type { Guid } from './guid.js';
import { parseInlineQos, type InlineQos, type SampleIdentity } from './inline-qos.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { instanceStatus, keyHashHexOf, type InstanceStatus, type TopicKey } from './instance-key.js';
import type { QoS } from './qos.js';
import { InstanceHistoryCache } from './instance-history-cache.js';
import { ownBytes } from './own-bytes.js';
import { ReaderHistoryCache } from './reader-history-cache.js';
import type { ReliableReader } from './reliable-reader.js';
import type { ReceivedChange } from './writer-proxy.js';
import type { RtpsTime } from './time.js';
import { waitFor, type IncompatibleEvent, type MatchEvent } from './topic-writer.js';

/** What createReader() needs. */
export interface ReaderConfig {
  topic: string;
  typeName: string;
  qos?: Partial<QoS>;
  userData?: string | Uint8Array;
  /** Set for a keyed topic (the reader is then WITH_KEY); see TopicKey. */
  key?: TopicKey;
  /**
   * Keep the last samples (history depth, per instance on keyed topics, or `limits.maxSamples` for KEEP_ALL)
   * for take()/read(). Off by default: samples are delivered by the `sample` event, and a history nobody
   * takes from only holds payloads (and the datagrams they are views of) in memory.
   */
  keepHistory?: boolean;
  /**
   * Lend payloads instead of giving them: a sample's `payload` is valid only until the `sample` listeners return
   * (an async listener: until its first `await`); then its memory may receive a later sample of the same writer.
   * Copy what you keep (`Buffer.from(s.payload)`). For readers that look at each sample and let it go (count,
   * decode, forward): a writer's fragmented samples then go into the same two buffers, warm in the CPU's cache,
   * instead of a new allocation each, and a small sample is handed on as a view of its datagram, not copied into
   * bytes of its own (packages/rtps/README.md, "Lent payloads"). Not with `keepHistory`, which keeps samples. Off by
   * default.
   */
  lendPayloads?: boolean;
  /**
   * Largest sample this reader takes (bytes, encapsulation header included); default and ceiling: the participant's
   * `limits.maxSampleSize`. A larger sample is refused before anything is allocated for it (a DATA_FRAG announces its
   * size in its first fragment), counted ({@link Reader.samplesRefused}, the `refused` event) and, from a reliable
   * writer, acknowledged as received, so that the writer's later samples still come.
   */
  maxSampleSize?: number;
}

/** The history of a reader that keeps none: take() and read() give nothing. */
const NO_HISTORY = { take: (): Sample[] => [], read: (): Sample[] => [] };

/** One received sample. */
export interface Sample {
  /** Serialized payload with its encapsulation header (may carry trailing padding). */
  payload: Buffer;
  writerGuid: Guid;
  sequenceNumber: number;
  sourceTimestamp?: RtpsTime;
  /** Parsed inline QoS when the writer sent any. */
  inlineQos?: InlineQos;
  relatedSampleIdentity?: SampleIdentity;
  /** Keyed topics: the instance's key hash (32 hex), from PID_KEY_HASH or computed with `key.serializeKey`. */
  keyHash?: string;
}

/** A dispose and/or unregister of one instance of a keyed topic (no sample data). */
export interface InstanceChange {
  writerGuid: Guid;
  sequenceNumber: number;
  sourceTimestamp?: RtpsTime;
  status: InstanceStatus;
  /** The instance's key hash (32 hex) when sent inline or computable from `key`. */
  keyHash?: string;
  /** The serialized key as sent (DATA with the K flag), with its encapsulation header. */
  key?: Buffer;
}

export interface ReaderEvents {
  sample: [Sample];
  /** Keyed topics: an instance was disposed or unregistered. */
  instance: [InstanceChange];
  matched: [MatchEvent];
  unmatched: [MatchEvent];
  incompatible: [IncompatibleEvent];
  /** First HEARTBEAT from a matched writer (its GUID): proof that it matched us. */
  heard: [Guid];
  /** Samples of a reliable writer that will never arrive (see {@link Reader.samplesLost}). */
  lost: [SamplesLost];
  /** A sample larger than the reader's `maxSampleSize` was refused (once per sample). */
  refused: [SampleRefused];
  /**
   * A reliable transient-local writer's SN came twice with different bytes: one of the two was not the writer's (a DATA
   * forged in its name). The reader reads that writer again (readAgain), at most every {@link REREAD_CONFLICT_MS}.
   */
  conflict: [SampleConflict];
}

/** A sequence number of one writer that came with two different payloads. */
export interface SampleConflict {
  writerGuid: Guid;
  sequenceNumber: number;
  /** True when the writer is read again for it; false within REREAD_CONFLICT_MS of the last time. */
  readAgain: boolean;
}

/** Least time between two re-reads of one writer for conflicting samples (a forger could otherwise ask for its history at will). */
export const REREAD_CONFLICT_MS = 15_000;

/** A sample a reader refused for its size. */
export interface SampleRefused {
  writerGuid: Guid;
  sequenceNumber: number;
  /** Its size as announced (DATA_FRAG) or received (DATA), bytes. */
  sampleSize: number;
}

/** Samples a writer sent that this reader passed over without receiving them. */
export interface SamplesLost {
  writerGuid: Guid;
  count: number;
}

/**
 * A DDS data reader for one topic. Events: `sample`, `instance` (keyed topics), `matched`,
 * `unmatched`, `incompatible`. With `keepHistory`, the last samples (history depth, per instance on
 * keyed topics, or `resourceLimits` for KEEP_ALL) are also kept for take().
 */
export class Reader extends EventEmitter<ReaderEvents> {
  readonly guid: Guid;
  readonly topic: string;
  readonly typeName: string;
  readonly qos: QoS;
  readonly matches = new Map<Guid, EndpointData>();
  /** The key description of a keyed topic (undefined: keyless). */
  readonly key?: TopicKey;
  /** Largest sample taken (bytes): ReaderConfig.maxSampleSize, at most the participant's. */
  readonly maxSampleSize: number;
  /** Keyless: one ring; keyed: KEEP_LAST per instance. */
  private readonly cache: { take(): Sample[]; read(): Sample[] };
  private readonly keep: (s: Sample) => void;
  private closed = false;
  /** When each writer was last read again for a conflict (pruned to matched writers). */
  private readonly conflictRereads = new Map<Guid, number>();

  /** @internal */
  constructor(
    /** @internal */ readonly core: ReliableReader,
    config: ReaderConfig,
    maxSamples: number,
    private readonly onClose: (r: Reader) => void,
    private readonly onReadAgain: (r: Reader, writerGuid: Guid) => boolean = () => false,
  ) {
    super();
    this.guid = core.guid;
    this.topic = config.topic;
    this.typeName = config.typeName;
    this.key = config.key;
    this.maxSampleSize = config.maxSampleSize ?? Infinity;
    this.qos = core.qos;
    const depth = this.qos.history.kind === 'keep-last' ? this.qos.history.depth : Infinity;
    if (!config.keepHistory) {
      this.cache = NO_HISTORY;
      this.keep = () => {};
    } else if (this.key) {
      const cache = new InstanceHistoryCache<Sample>(depth, maxSamples);
      this.cache = cache;
      this.keep = (s) => cache.push(s.keyHash ?? '', s);
    } else {
      const cache = new ReaderHistoryCache<Sample>(Math.min(depth, maxSamples));
      this.cache = cache;
      this.keep = (s) => cache.push(s);
    }
    core.deliver = (c, p) => {
      this.onChange(c);
      // After every listener returned (one that threw leaves the buffer to the garbage collector).
      if (core.lendsPayloads) core.giveBack(p, c);
    };
    core.onWriterHeard = (g) => this.emit('heard', g);
    core.onSamplesLost = (writerGuid, count) => this.emit('lost', { writerGuid, count });
    core.onSampleRefused = (writerGuid, sequenceNumber, sampleSize) => this.emit('refused', { writerGuid, sequenceNumber, sampleSize });
    core.onConflict = (writerGuid, sequenceNumber) => this.onConflict(writerGuid, sequenceNumber);
  }

  /** Samples of transient-local writers that came again with other bytes than those delivered or held (`conflict`). */
  get samplesConflicting(): number {
    return this.core.conflicts.total;
  }

  /** Reads the writer again, outside the receive path that found the conflict, unless it was within REREAD_CONFLICT_MS. */
  private onConflict(writerGuid: Guid, sequenceNumber: number): void {
    const now = Date.now();
    const last = this.conflictRereads.get(writerGuid);
    const readAgain = last === undefined || now - last >= REREAD_CONFLICT_MS;
    if (readAgain) {
      if (this.conflictRereads.size >= this.matches.size + 16) for (const g of this.conflictRereads.keys()) if (!this.matches.has(g)) this.conflictRereads.delete(g);
      this.conflictRereads.set(writerGuid, now);
      setImmediate(() => this.readAgain(writerGuid));
    }
    this.emit('conflict', { writerGuid, sequenceNumber, readAgain });
  }

  /** Samples refused for being larger than the reader's `maxSampleSize` (ReaderConfig), since it was made. */
  get samplesRefused(): number {
    return this.core.samplesRefused;
  }

  /**
   * Samples of reliable writers this reader will never receive (DDS's SAMPLE_LOST): the writer no longer had them
   * when they were asked for again (a KEEP_LAST history overwrote them first) or sent a GAP for them. A reliable
   * KEEP_ALL writer waits for us instead, so this stays 0 with it.
   */
  get samplesLost(): number {
    return this.core.samplesLost;
  }

  /**
   * Reads the matched writer `writerGuid` again from its first SN through a fresh proxy (the match stays; no
   * `unmatched`/`matched` events): the samples it still holds come again. For a transient-local writer that writes only
   * on change, whose next SN a forged DATA in its name may have taken (the real sample would then look like a repeat).
   * False when the writer is not matched (or the reader is closed).
   */
  readAgain(writerGuid: Guid): boolean {
    return !this.closed && this.onReadAgain(this, writerGuid);
  }

  /** True once the matched writer `writerGuid` sent a HEARTBEAT (it has matched us too). */
  heardFrom(writerGuid: Guid): boolean {
    const p = this.core.writers.get(writerGuid);
    return p !== undefined && p.heartbeatCounts.heard;
  }

  private onChange(c: ReceivedChange): void {
    let inlineQos: InlineQos | undefined;
    if (c.inlineQos) {
      try {
        inlineQos = parseInlineQos(c.inlineQos, c.inlineLe, c.vendorId);
      } catch {
        // Malformed inline QoS: deliver the sample without it.
      }
    }
    const statusInfo = (inlineQos?.statusInfo ?? 0) & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED);
    if (!c.payload || c.key || statusInfo !== 0) {
      // Unregister/dispose (nothing to deliver on a keyless topic); a DATA with neither data,
      // key nor status says nothing.
      if (this.key && (c.key || statusInfo !== 0)) this.onInstanceChange(c, inlineQos, statusInfo);
      return;
    }
    // Its own bytes for a reader that gives its payloads, the datagram's view for one that lends them (receive.ts).
    const s: Sample = { payload: c.payload, writerGuid: c.writerGuid, sequenceNumber: c.sn, sourceTimestamp: c.timestamp };
    if (inlineQos) {
      s.inlineQos = inlineQos;
      if (inlineQos.relatedSampleIdentity) s.relatedSampleIdentity = inlineQos.relatedSampleIdentity;
    }
    if (this.key) s.keyHash = inlineQos?.keyHash ?? this.computeKeyHash(c.payload, false);
    this.keep(s);
    this.emit('sample', s);
  }

  private onInstanceChange(c: ReceivedChange, inlineQos: InlineQos | undefined, statusInfo: number): void {
    // A K-flag DATA without status info is an unregister+dispose by the older convention (RTPS 2.1).
    const status = statusInfo !== 0 ? instanceStatus(statusInfo) : { disposed: true, unregistered: true };
    const change: InstanceChange = { writerGuid: c.writerGuid, sequenceNumber: c.sn, sourceTimestamp: c.timestamp, status };
    const keyPayload = c.key ? c.payload : undefined;
    // Its own bytes for any reader: instance changes are rare and keys small (nothing for a giving reader's).
    if (keyPayload) change.key = ownBytes(keyPayload);
    const hash = inlineQos?.keyHash ?? (keyPayload ? this.computeKeyHash(keyPayload, true) : c.payload ? this.computeKeyHash(c.payload, false) : undefined);
    if (hash) change.keyHash = hash;
    this.emit('instance', change);
  }

  /** Key hash by the topic's key description; undefined when it has none or the payload does not fit it. */
  private computeKeyHash(payload: Buffer, keyOnly: boolean): string | undefined {
    try {
      return keyHashHexOf(this.key, payload, keyOnly);
    } catch {
      return undefined; // a payload the key description cannot read: no hash, the sample still counts
    }
  }

  /** Returns and removes the held samples, oldest first (none unless created with `keepHistory`). */
  take(): Sample[] {
    return this.cache.take();
  }

  /** Returns the held samples without removing them (none unless created with `keepHistory`). */
  read(): Sample[] {
    return this.cache.read();
  }

  matchedWriters(): Guid[] {
    return [...this.matches.keys()];
  }

  /** Resolves once at least `count` writers match (false on timeout). */
  waitForMatch(count = 1, timeoutMs = 5000): Promise<boolean> {
    return waitFor(this, () => this.matches.size >= count, timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.removeAllListeners();
  }
}

// The public reader: emits samples in order per writer, keeps a bounded history for take().

import { EventEmitter } from 'node:events';
import type { EndpointData } from './discovery-sedp-data.js';
import type { Guid } from './guid.js';
import { parseInlineQos, type InlineQos, type SampleIdentity } from './inline-qos.js';
import type { QoS } from './qos.js';
import { ReaderHistoryCache } from './reader-history-cache.js';
import type { ReceivedChange, ReliableReader } from './reliable-reader.js';
import type { RtpsTime } from './time.js';
import { waitFor, type IncompatibleEvent, type MatchEvent } from './topic-writer.js';

/** What createReader() needs. */
export interface ReaderConfig {
  topic: string;
  typeName: string;
  qos?: Partial<QoS>;
  userData?: string | Uint8Array;
}

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
}

export interface ReaderEvents {
  sample: [Sample];
  matched: [MatchEvent];
  unmatched: [MatchEvent];
  incompatible: [IncompatibleEvent];
  /** First HEARTBEAT from a matched writer (its GUID): proof that it matched us. */
  heard: [Guid];
}

/**
 * A DDS data reader for one topic. Events: `sample`, `matched`, `unmatched`, `incompatible`.
 * The last samples (history depth, or `resourceLimits` for KEEP_ALL) are also kept for take().
 */
export class Reader extends EventEmitter<ReaderEvents> {
  readonly guid: Guid;
  readonly topic: string;
  readonly typeName: string;
  readonly qos: QoS;
  readonly matches = new Map<Guid, EndpointData>();
  private readonly cache: ReaderHistoryCache<Sample>;
  private closed = false;

  /** @internal */
  constructor(
    /** @internal */ readonly core: ReliableReader,
    config: ReaderConfig,
    maxSamples: number,
    private readonly onClose: (r: Reader) => void,
  ) {
    super();
    this.guid = core.guid;
    this.topic = config.topic;
    this.typeName = config.typeName;
    this.qos = core.qos;
    this.cache = new ReaderHistoryCache(this.qos.history.kind === 'keep-last' ? Math.min(this.qos.history.depth, maxSamples) : maxSamples);
    core.deliver = (c) => this.onChange(c);
    core.onWriterHeard = (g) => this.emit('heard', g);
  }

  /** True once the matched writer `writerGuid` sent a HEARTBEAT (it has matched us too). */
  heardFrom(writerGuid: Guid): boolean {
    const p = this.core.writers.get(writerGuid);
    return p !== undefined && p.lastHeartbeatCount !== -Infinity;
  }

  private onChange(c: ReceivedChange): void {
    if (!c.payload || c.key) return; // unregister/dispose of a keyless topic: nothing to deliver
    const s: Sample = { payload: c.payload, writerGuid: c.writerGuid, sequenceNumber: c.sn, sourceTimestamp: c.timestamp };
    if (c.inlineQos) {
      try {
        s.inlineQos = parseInlineQos(c.inlineQos, c.inlineLe, c.vendorId);
        if (s.inlineQos.relatedSampleIdentity) s.relatedSampleIdentity = s.inlineQos.relatedSampleIdentity;
      } catch {
        // Malformed inline QoS: deliver the sample without it.
      }
    }
    this.cache.push(s);
    this.emit('sample', s);
  }

  /** Returns and removes the held samples, oldest first. */
  take(): Sample[] {
    return this.cache.take();
  }

  /** Returns the held samples without removing them. */
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

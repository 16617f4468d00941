// The public writer: write opaque serialized payloads, learn which readers match.

import { EventEmitter } from 'node:events';
import type { EndpointData } from './discovery-sedp-data.js';
import type { Guid } from './guid.js';
import { encodeInlineQos, type RawParameter, type SampleIdentity } from './inline-qos.js';
import { keyHash, keyPayload, statusInfoFlags, type InstanceStatus, type TopicKey } from './instance-key.js';
import type { QoS } from './qos.js';
import { readerHeard, type ReliableWriter } from './reliable-writer.js';
import { nowTime, type RtpsTime } from './time.js';

/** What createWriter() needs. */
export interface WriterConfig {
  /** DDS topic name as it goes on the wire (e.g. `rt/chatter`). */
  topic: string;
  /** DDS type name (e.g. `std_msgs::msg::dds_::String_`). */
  typeName: string;
  /** Missing policies take DEFAULT_QOS (reliable, volatile, keep last 10). */
  qos?: Partial<QoS>;
  /** USER_DATA of the endpoint, e.g. `typehash=...;`. */
  userData?: string | Uint8Array;
  /**
   * Set for a keyed topic: the writer is then WITH_KEY, and with `serializeKey` every sample
   * carries its key hash (PID_KEY_HASH) and keep-last history is kept per instance.
   */
  key?: TopicKey;
  /**
   * Which remote readers this writer may match, beyond topic, type and QoS. A reader it declines is held
   * unmatched (no `incompatible` event: it is not a QoS conflict) until {@link Writer.rematch} asks again.
   * For data whose layout depends on the peer: a careless reader must never get a sample it would misread.
   */
  acceptReader?: (reader: EndpointData) => boolean;
}

export interface WriteOptions {
  /** Related sample identity (services): sent as PID 0x0083 and Fast DDS' 0x800f. */
  relatedSampleIdentity?: SampleIdentity;
  /** Extra inline QoS parameters (little-endian values). */
  inlineQos?: RawParameter[];
  /** Source timestamp; default now. */
  timestamp?: RtpsTime;
  /**
   * Send the sample to this matched reader only (INFO_DST + its reader id); other readers get a
   * GAP for it. Used to address a service request to one server. Unmatched: nobody gets it.
   */
  destination?: Guid;
}

/** A matched remote endpoint. */
export interface MatchEvent {
  remoteGuid: Guid;
  endpoint: EndpointData;
}

/** A remote endpoint on our topic that we refused to match, and why. */
export interface IncompatibleEvent {
  remoteGuid: Guid;
  reason: string;
  endpoint: EndpointData;
}

export interface WriterEvents {
  matched: [MatchEvent];
  unmatched: [MatchEvent];
  incompatible: [IncompatibleEvent];
  /** First ACKNACK from a matched reader (its GUID): proof that it matched us. */
  heard: [Guid];
}

/**
 * A DDS data writer for one topic. Events: `matched`, `unmatched`, `incompatible`.
 * Payloads are serialized samples including their 4-byte encapsulation header.
 */
export class Writer extends EventEmitter<WriterEvents> {
  readonly guid: Guid;
  readonly topic: string;
  readonly typeName: string;
  readonly qos: QoS;
  /** Remote readers currently matched, by GUID. */
  readonly matches = new Map<Guid, EndpointData>();
  /** The key description of a keyed topic (undefined: keyless). */
  readonly key?: TopicKey;
  /** {@link WriterConfig.acceptReader}. */
  readonly acceptReader?: (reader: EndpointData) => boolean;
  private closed = false;

  /** @internal */
  constructor(
    /** @internal */ readonly core: ReliableWriter,
    config: WriterConfig,
    private readonly onClose: (w: Writer) => void,
    private readonly onRematch: (w: Writer) => void = () => undefined,
  ) {
    super();
    this.guid = core.guid;
    this.topic = config.topic;
    this.typeName = config.typeName;
    this.key = config.key;
    this.acceptReader = config.acceptReader;
    this.qos = core.qos;
    core.onReaderHeard = (g) => this.emit('heard', g);
  }

  /** True once the matched reader `readerGuid` sent an ACKNACK (it has matched us too). */
  heardFrom(readerGuid: Guid): boolean {
    const p = this.core.readers.get(readerGuid);
    return p !== undefined && readerHeard(p);
  }

  /** Publishes one serialized sample; returns its identity (writer GUID + sequence number). */
  write(payload: Uint8Array, opts: WriteOptions = {}): SampleIdentity {
    if (this.closed) throw new Error(`writer ${this.guid} is closed`);
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const hash = this.key?.serializeKey ? keyHash(this.key.serializeKey(buf, false), this.key.maxSize) : undefined;
    const inlineQos = opts.relatedSampleIdentity || opts.inlineQos || hash ? encodeInlineQos({ keyHash: hash, relatedSampleIdentity: opts.relatedSampleIdentity, extra: opts.inlineQos }) : undefined;
    const sn = this.core.writeChange({ payload: buf, key: false, inlineQos, timestamp: opts.timestamp ?? nowTime(), instance: hash?.toString('hex') ?? '', destination: opts.destination });
    return { writerGuid: this.guid, sequenceNumber: sn };
  }

  /**
   * Disposes the instance of `sample` (a serialized sample, or with `keyOnly` its big-endian
   * serialized key): readers see it as disposed. Needs `key.serializeKey` unless `keyOnly`.
   */
  disposeInstance(sample: Uint8Array, opts: { keyOnly?: boolean; timestamp?: RtpsTime } = {}): SampleIdentity {
    return this.instanceChange(sample, { disposed: true, unregistered: false }, opts);
  }

  /** Unregisters the instance of `sample` (the writer stops updating it); see disposeInstance. */
  unregisterInstance(sample: Uint8Array, opts: { keyOnly?: boolean; dispose?: boolean; timestamp?: RtpsTime } = {}): SampleIdentity {
    return this.instanceChange(sample, { disposed: opts.dispose === true, unregistered: true }, opts);
  }

  /** Sends a key-only DATA (K flag): the serialized key (CDR_BE), PID_KEY_HASH and PID_STATUS_INFO. */
  private instanceChange(sample: Uint8Array, status: InstanceStatus, opts: { keyOnly?: boolean; timestamp?: RtpsTime }): SampleIdentity {
    if (this.closed) throw new Error(`writer ${this.guid} is closed`);
    if (!this.key) throw new Error(`writer ${this.guid} is not keyed: create it with \`key\``);
    const buf = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
    let serializedKey: Uint8Array;
    if (opts.keyOnly) serializedKey = buf;
    else if (this.key.serializeKey) serializedKey = this.key.serializeKey(buf, false);
    else throw new Error(`writer ${this.guid} has no key.serializeKey: pass the serialized key with keyOnly`);
    const hash = keyHash(serializedKey, this.key.maxSize);
    const inlineQos = encodeInlineQos({ keyHash: hash, statusInfo: statusInfoFlags(status) });
    const sn = this.core.writeChange({ payload: keyPayload(serializedKey), key: true, inlineQos, timestamp: opts.timestamp ?? nowTime(), instance: hash.toString('hex') });
    return { writerGuid: this.guid, sequenceNumber: sn };
  }

  /** GUIDs of the matched remote readers. */
  matchedReaders(): Guid[] {
    return [...this.matches.keys()];
  }

  /** Resolves true when every reliable matched reader acknowledged all samples, false after the timeout. */
  waitForAcknowledgments(timeoutMs: number): Promise<boolean> {
    return this.core.waitForAcknowledgments(timeoutMs);
  }

  /** Resolves once at least `count` readers match (false on timeout). */
  waitForMatch(count = 1, timeoutMs = 5000): Promise<boolean> {
    return waitFor(this, () => this.matches.size >= count, timeoutMs);
  }

  /**
   * Asks {@link WriterConfig.acceptReader} again for every remote reader on the topic: newly accepted ones
   * match, matched ones now declined are unmatched (`unmatched` event).
   */
  rematch(): void {
    if (!this.closed) this.onRematch(this);
  }

  /** Removes the writer: peers get an SEDP dispose. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.removeAllListeners();
  }

  /** Same as close(). */
  dispose(): void {
    this.close();
  }
}

/** Waits until `ok()` holds, re-checking on every matched event. */
export function waitFor(em: EventEmitter, ok: () => boolean, timeoutMs: number): Promise<boolean> {
  if (ok()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = () => {
      if (!ok()) return;
      cleanup();
      resolve(true);
    };
    const t = setTimeout(() => {
      cleanup();
      resolve(false);
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(t);
      em.off('matched', check);
    };
    em.on('matched', check);
  });
}

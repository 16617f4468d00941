/** A ROS subscription: samples from `rt/<topic>` decoded to JSON values (raw CDR on request). */
import type { Guid, QoS, Reader, Sample } from '@medkit/rtps';
import { DecodeBudgetError, type DecodeOptions, type TypeRegistry } from '../types/index.js';
import type { SampleRefusal } from './sample-limits.js';

/** Metadata that comes with each message. */
export interface MessageInfo {
  /** The publisher's writer GUID. */
  publisherGuid: Guid;
  sequenceNumber: number;
  /** Source timestamp in ms since the epoch, when the writer sent one. */
  sourceTimeMs?: number;
  /** The serialized payload as received (encapsulation header included). */
  raw: Buffer;
}

/** Callback of a subscription: the decoded message (undefined when `raw` was asked) and its info. */
export type MessageCallback = (message: Record<string, unknown>, info: MessageInfo) => void;

/** Options of a subscription. */
export interface SubscriptionOptions extends DecodeOptions {
  /** Skip decoding: the callback gets `{}` and reads `info.raw` (black-box recording, unknown types). */
  raw?: boolean;
  /** Called when a payload does not decode (default: counted in `decodeErrors` and dropped). */
  onError?: (err: unknown, info: MessageInfo) => void;
  /** Largest sample taken (bytes); default: the context's bound for the type (topics/sample-limits.ts). */
  maxSampleBytes?: number;
}

/** Receives messages of one type on one topic. */
export class Subscription {
  readonly topic: string;
  readonly type: string;
  /** Payloads that failed to decode (those over the decode budget included). */
  decodeErrors = 0;
  /** Payloads refused for the values they would decode into (DecodeOptions.maxValues). */
  overBudget = 0;

  /** @internal */
  constructor(
    /** The underlying DDS reader. */
    readonly reader: Reader,
    topic: string,
    type: string,
    types: TypeRegistry,
    callback: MessageCallback,
    opts: SubscriptionOptions,
    private readonly onClose: () => void,
    onRefused?: (refusal: SampleRefusal) => void,
  ) {
    this.topic = topic;
    this.type = type;
    const refused = (writerGuid: string, reason: SampleRefusal['reason'], size: number, limit: number) => onRefused?.({ topic, type, writerGuid, reason, size, limit });
    reader.on('refused', (e) => refused(e.writerGuid, 'bytes', e.sampleSize, reader.maxSampleSize));
    reader.on('sample', (s: Sample) => {
      const info: MessageInfo = {
        publisherGuid: s.writerGuid,
        sequenceNumber: s.sequenceNumber,
        sourceTimeMs: s.sourceTimestamp ? s.sourceTimestamp.sec * 1000 + s.sourceTimestamp.nanosec / 1e6 : undefined,
        raw: s.payload,
      };
      let msg: Record<string, unknown>;
      try {
        msg = opts.raw ? {} : types.deserialize(type, s.payload, opts);
      } catch (err) {
        this.decodeErrors++;
        if (err instanceof DecodeBudgetError) {
          this.overBudget++;
          refused(s.writerGuid, 'values', s.payload.length, opts.maxValues ?? Infinity);
        }
        opts.onError?.(err, info);
        return;
      }
      try {
        callback(msg, info);
      } catch {
        // A throwing user callback must not break the receive path.
      }
    });
  }

  get guid(): Guid {
    return this.reader.guid;
  }

  get qos(): QoS {
    return this.reader.qos;
  }

  /** Samples refused: larger than the size bound (never reassembled) or over the decode budget (never decoded). */
  get samplesRefused(): number {
    return this.reader.samplesRefused + this.overBudget;
  }

  /** Number of matched publishers. */
  get publisherCount(): number {
    return this.reader.matches.size;
  }

  /** Resolves true once `count` publishers matched, false after the timeout. */
  waitForPublishers(count = 1, timeoutMs = 5000): Promise<boolean> {
    return this.reader.waitForMatch(count, timeoutMs);
  }

  close(): void {
    this.reader.close();
    this.onClose();
  }
}

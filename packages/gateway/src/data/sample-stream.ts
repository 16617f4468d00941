// A topic's samples streamed to one client (issue 56, docs/api.md "Topic streams"). Every message is
// measured (rate-window.ts); the client gets at most `maxRate` events a second carrying the newest message and
// the statistics, and a stats-only event at least once a second so a silent topic's age keeps growing on screen.
// Bounded for a slow or hostile client: one pending message per stream (a newer one replaces it), nothing is
// written while the socket has not drained (the skipped events are counted), a gateway-wide cap on streams.
// HTTP-free: the route hands in an EventStream and translates the errors.
import type { EventStream, StreamEvent } from '@medkit/kit';
import { SovdError } from '@medkit/sovd';
import { RateWindow } from './rate-window.js';
import type { TopicStreamData } from '@medkit/sovd';
import type { TopicSample } from './topic-pool.js';

/** The most events a second a client may ask for (and the default). */
export const MAX_EVENT_RATE = 30;
/** A stats event goes out when nothing was sent for this long. */
const STATS_EVERY_NS = 1_000_000_000n;
/** A message whose serialized payload is larger is sent without its value (the list's per-value bound). */
export const STREAM_VALUE_MAX_BYTES = 256 * 1024;

/** The client side of a stream: an SSE stream, or a test's recorder. */
export interface StreamSink extends EventStream {
  /** Resolves once the transport took what was written; undefined: never backed up. */
  drained?(): Promise<void>;
}

/** Data of an event (the SOVD core's shape, shared with the client): `sample` events carry the newest message, `stats` events only the figures. */
export type SampleEventData = TopicStreamData;

/**
 * The decimator of one stream, driven by `tick` (a timer in {@link SampleStreams}, the test's clock in unit
 * tests): at most `maxRate` events in any second, the newest message when one came since the last event.
 */
export class SampleDecimator {
  private readonly window = new RateWindow();
  private pending?: TopicSample;
  private latest?: TopicSample;
  /** Send times of the last `maxRate` events: a new one goes only when the oldest is a second old. */
  private readonly sent: bigint[] = [];
  private lastEventNs?: bigint;
  private dropped = 0;

  constructor(private readonly maxRate: number) {}

  /** Every message of the topic (measured, then kept as the one to send next). */
  onSample(s: TopicSample): void {
    this.window.record(s.timestampNs, s.bytes ?? 0);
    this.pending = s;
    this.latest = s;
  }

  /**
   * The event due at `nowNs`, if any. `busy`: the client has not taken the last events; a due event is then
   * counted as dropped and its message stays pending (replaced by newer ones), never queued.
   */
  tick(nowNs: bigint, busy = false): StreamEvent | undefined {
    const sample = this.pending !== undefined && (this.sent.length < this.maxRate || nowNs - this.sent[0] >= STATS_EVERY_NS);
    const stats = !sample && (this.lastEventNs === undefined || nowNs - this.lastEventNs >= STATS_EVERY_NS);
    if (!sample && !stats) return undefined;
    if (busy) {
      this.dropped++;
      return undefined;
    }
    this.lastEventNs = nowNs;
    if (!sample) return { event: 'stats', data: this.body(nowNs, undefined) };
    this.sent.push(nowNs);
    if (this.sent.length > this.maxRate) this.sent.shift();
    const s = this.pending!;
    this.pending = undefined;
    return { event: 'sample', data: this.body(nowNs, s) };
  }

  private body(nowNs: bigint, s: TopicSample | undefined): SampleEventData {
    const last = this.latest;
    const out: SampleEventData = {
      timestamp: last ? Number(last.timestampNs) : null,
      // Age from the 64-bit times in bigint; only the ms difference becomes a number.
      age_sec: last ? Math.max(0, Number((nowNs - last.timestampNs) / 1_000_000n)) / 1000 : null,
      stats: { ...this.window.stats(nowNs), dropped: this.dropped },
    };
    if (s && (s.bytes ?? 0) > STREAM_VALUE_MAX_BYTES) out.value_omitted = 'too_large';
    else if (s) out.data = s.value;
    return out;
  }
}

/** Subscribes `onSample` to a topic; returns the unsubscribe (the topic pool's `listen`, closing when unused). */
export type TopicListen = (onSample: (s: TopicSample) => void) => () => void;

export interface SampleStreamsOptions {
  /** Concurrent streams across the gateway (data_provider.max_streams); one more is 503. */
  maxStreams: number;
  nowNs?: () => bigint;
}

/** The topic streams of one gateway: the cap, the timers and the clean-up when a client goes. */
export class SampleStreams {
  private active = 0;
  private refused = 0;
  private readonly nowNs: () => bigint;

  constructor(private readonly opts: SampleStreamsOptions) {
    this.nowNs = opts.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  /**
   * Reserves a stream and subscribes the topic, so that a refusal (503 over the cap, a subscription DDS-Security
   * denies) is thrown before any SSE header is written; `attach` then starts sending, `cancel` gives up.
   */
  open(listen: TopicListen, maxRate: number): { attach(sink: StreamSink): void; cancel(): void } {
    if (this.active >= this.opts.maxStreams) {
      this.refused++;
      throw new SovdError('service-unavailable', `Too many topic streams (data_provider.max_streams = ${this.opts.maxStreams})`, { max_streams: this.opts.maxStreams });
    }
    const d = new SampleDecimator(maxRate);
    const stop = listen((s) => d.onSample(s));
    this.active++;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      stop();
      this.active--;
    };
    return {
      cancel: end,
      attach: (sink) => {
        let busy = false;
        timer = setInterval(() => {
          if (sink.closed) return end();
          const ev = d.tick(this.nowNs(), busy);
          if (!ev) return;
          if (!sink.send(ev)) return end();
          const drained = sink.drained?.();
          if (!drained) return;
          busy = true;
          void drained.then(() => (busy = false));
        }, Math.ceil(1000 / maxRate));
        timer.unref();
        void sink.done.then(end);
      },
    };
  }

  /** For `/health` `x-medkit-data-provider`. */
  stats(): { streams: number; max_streams: number; refused_streams: number } {
    return { streams: this.active, max_streams: this.opts.maxStreams, refused_streams: this.refused };
  }
}

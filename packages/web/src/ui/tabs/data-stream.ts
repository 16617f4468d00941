// A topic's live stream for the data tab (issue 56): `GET …/data/{topic}/stream` through the typed client's topicStream,
// followed for as long as the topic's view is open (state/live-stream.ts: a refused stream, e.g. 404 from a gateway
// without the route, is tried again later and the tab polls meanwhile). The gateway measures every message; the
// events bring its figures and, at most 30 times a second, the newest message for the plot and the field tree.
import { useEffect, useState } from 'preact/hooks';
import type { TopicStreamEvent } from '@medkit/client';
import { followStream, type StreamState } from '../../state/live-stream';
import { useApp } from '../context';
import { addRead, type ItemHistory } from './data-history';
import { itemPath } from './data-write';

/** The gateway's figures over its window (docs/api.md "Topic streams"). */
export interface StreamStats {
  rateHz?: number;
  minSec?: number;
  maxSec?: number;
  stdSec?: number;
  /** Intervals the figures are over. */
  window: number;
  bytesPerSec?: number;
  received: number;
  dropped: number;
}

export interface TopicEvent {
  kind: 'sample' | 'stats';
  /** The message (sample events whose value was not left off). */
  data?: unknown;
  /** Receive time of the newest message, ns since the epoch. */
  timestampNs?: number;
  ageSec?: number;
  stats: StreamStats;
}

const orUndefined = (v: number | null | undefined): number | undefined => (v === null ? undefined : v);

/** The client's typed stream event as the tab shows it (absent figures as undefined, camel case for the view). */
export function topicEventView(ev: TopicStreamEvent): TopicEvent {
  const s = ev.stats;
  return {
    kind: ev.kind,
    ...(ev.kind === 'sample' && 'data' in ev ? { data: ev.data } : {}),
    timestampNs: orUndefined(ev.timestamp),
    ageSec: orUndefined(ev.age_sec),
    stats: {
      rateHz: orUndefined(s.rate_hz),
      minSec: orUndefined(s.interval_min_sec),
      maxSec: orUndefined(s.interval_max_sec),
      stdSec: orUndefined(s.interval_std_sec),
      window: s.window_count,
      bytesPerSec: orUndefined(s.bandwidth_bytes_per_sec),
      received: s.received,
      dropped: s.dropped,
    },
  };
}

/** Samples kept for the plot from a stream: 20 s at 30 events a second (the poll keeps 120). */
export const STREAM_KEEP_SAMPLES = 600;

/** A stream event laid over the history the plot draws (the same record a value read makes). */
export function addStreamEvent(h: ItemHistory, ev: TopicEvent): ItemHistory {
  if (ev.kind === 'stats' || ev.data === undefined) return { ...h, ageSec: ev.ageSec };
  return addRead(h, { data: ev.data, 'x-medkit': { timestamp: ev.timestampNs, age_sec: ev.ageSec } }, STREAM_KEEP_SAMPLES);
}

/** `rate 10.0 Hz (min 0.098 s max 0.103 s std 0.0011 s over 99)`, as ros2 topic hz says it. */
export function rateLine(s: StreamStats): string {
  if (s.rateHz === undefined) return s.received > 0 ? 'rate — (no message in the last 10 s)' : 'rate — (no message yet)';
  const sec = (v?: number) => (v === undefined ? '—' : `${Number(v.toPrecision(3))} s`);
  return `rate ${s.rateHz.toFixed(1)} Hz (min ${sec(s.minSec)} max ${sec(s.maxSec)} std ${sec(s.stdSec)} over ${s.window})`;
}

/** Bytes per second as ros2 topic bw prints them: B/s, KB/s, MB/s (powers of 1000). */
export function bandwidthText(bytesPerSec: number | undefined): string {
  if (bytesPerSec === undefined) return '— B/s';
  if (bytesPerSec >= 1e6) return `${(bytesPerSec / 1e6).toFixed(2)} MB/s`;
  if (bytesPerSec >= 1e3) return `${(bytesPerSec / 1e3).toFixed(1)} KB/s`;
  return `${Math.round(bytesPerSec)} B/s`;
}

export interface TopicStream {
  state: StreamState | 'off';
  latest?: TopicEvent;
  /** The newest message the stream brought. */
  value?: unknown;
  history: ItemHistory;
}

/** Follows the item's stream while `enabled`; the history starts empty with each stream. */
export function useTopicStream(base: string, id: string, enabled: boolean): TopicStream {
  const { client } = useApp();
  const [state, setState] = useState<StreamState | 'off'>('off');
  const [view, setView] = useState<Omit<TopicStream, 'state'>>({ history: { samples: [] } });
  useEffect(() => {
    if (!enabled) return;
    setView({ history: { samples: [] } });
    const stop = followStream<TopicStreamEvent>({
      open: (handlers, options) => client.topicStream(itemPath(base, id), handlers, options),
      onEvent: (typed) => {
        const ev = topicEventView(typed);
        setView((v) => ({ latest: ev, value: ev.data !== undefined ? ev.data : v.value, history: addStreamEvent(v.history, ev) }));
      },
      setState,
    });
    return () => {
      stop();
      setState('off');
    };
  }, [client, base, id, enabled]);
  return { state, ...view };
}

// Bodies of the gateway's own event streams that the served OpenAPI document describes only in prose (an SSE
// response has no schema there): written here once, for the gateway that sends them and the typed client that
// reads them. Faults' stream events carry the document's FaultListItem, which each side types from its own source
// (the faults package's schema, the client's generated types), so they take the item as a parameter.

/** The three fault events of `GET /faults/stream` (docs/faults.md "Events"). */
export type FaultEventType = 'fault_confirmed' | 'fault_updated' | 'fault_cleared';

/** The SSE event name of a muted symptom's change (docs/faults.md "Muted symptoms on the stream"). */
export const FAULT_MUTED_EVENT = 'fault_muted';

/** Where a fault event's fault lives: this gateway's entity, or a peer's fault relayed with its gateway's name. */
export interface FaultEventOrigin {
  entity_type?: string;
  entity_id?: string;
  /** An aggregation peer's name, on events relayed from it. */
  gateway?: string;
  /** Instance ids of the gateways a relayed event passed through (loop guard). */
  via?: string[];
}

/** The `data` of a fault event on `/faults/stream` (docs/faults.md "Events"); `Item` is the FaultListItem. */
export interface FaultEventData<Item> {
  event_type: FaultEventType;
  fault: Item;
  /** Epoch seconds. */
  timestamp: number;
  /** The symptoms a cleared root cause cleared with it. */
  auto_cleared_codes?: string[];
  'x-medkit'?: FaultEventOrigin;
}

/**
 * The `data` of a `fault_muted` event (docs/faults.md "Muted symptoms on the stream"). The fault is under
 * `muted_fault`, never `fault`: a reader that takes `fault` of every message sees no muted symptom.
 */
export interface FaultMutedData<Item> {
  event_type: typeof FAULT_MUTED_EVENT;
  /** The event the change would have been unmuted (`fault_confirmed`, `fault_updated`, or what a peer sent). */
  muted_event_type: string;
  muted_fault: Item;
  /** Epoch seconds. */
  timestamp: number;
  /** What hides it: a hierarchical rule's root cause, or (hidden after the fact, a peer's) the cluster's representative. */
  root_cause_code?: string;
  'x-medkit'?: FaultEventOrigin;
}

/** One `changed` event of `GET /x-medkit-watch` (docs/api.md "Watching resources"): a watched path's answer. */
export interface WatchChange {
  /** The watched path, as it was asked for (relative to the API base). */
  path: string;
  /** The HTTP status of the gateway's read. */
  status: number;
  /** The JSON body; absent when it was not JSON or `too_large`. */
  body?: unknown;
  /** The body exceeded the gateway's per-answer cap: the client reads the path itself. */
  too_large?: true;
}

/** A topic's receive figures over the gateway's window, as ros2 topic hz and bw give them (docs/api.md "Topic streams"). */
export interface TopicRateStats {
  /** Mean rate, 1 / mean interval (ros2 topic hz's "average rate"); null with fewer than two messages. */
  rate_hz: number | null;
  /** Shortest, longest interval and the standard deviation of the intervals, s; null with fewer than two messages. */
  interval_min_sec: number | null;
  interval_max_sec: number | null;
  interval_std_sec: number | null;
  /** Intervals the figures are over (messages in the window - 1). */
  window_count: number;
  /** Serialized payload bytes per second over the window (ros2 topic bw); null with fewer than two messages. */
  bandwidth_bytes_per_sec: number | null;
  /** Mean serialized size of the messages in the window, bytes; null when empty. */
  mean_size_bytes: number | null;
  /** Messages measured since the stream started (all of them, not only the ones sent). */
  received: number;
}

/** The figures a topic stream event carries: the window's, and what this client missed. */
export interface TopicStreamStats extends TopicRateStats {
  /** Events not written because the client had not taken the previous ones yet. */
  dropped: number;
}

/** Data of a topic stream event (`GET …/data/{topic}/stream`): `sample` events carry the newest message, `stats` events only the figures. */
export interface TopicStreamData {
  /** The decoded message (sample events); left off when larger than the gateway's limit serialized. */
  data?: unknown;
  /** `too_large`: the message was left off; read the item for it. */
  value_omitted?: 'too_large';
  /** Receive time of the newest message, ns since the epoch; null before the first. */
  timestamp: number | null;
  /** Its age when the event was made, s; null before the first. */
  age_sec: number | null;
  stats: TopicStreamStats;
}

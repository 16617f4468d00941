// The decoded black-box recording as the worker hands it to the page: per topic, message times and one
// series per numeric field (arrays summarised as min and mean, arrays of messages as their length).

/** One plottable series of a topic. `values[i]` belongs to `times[i]` of its topic; null = no value. */
export interface FieldSeries {
  /** Field path (`linear.x`, `ranges (min)`). */
  key: string;
  kind: 'scalar' | 'state' | 'min' | 'mean' | 'length';
  values: (number | null)[];
  /** False when every value is the same (not shown by default). */
  varies: boolean;
}

export interface TopicSeries {
  topic: string;
  type: string;
  /** Messages of the topic in the recording (before any thinning for plots). */
  count: number;
  /** Epoch seconds of each kept message (log time). */
  times: number[];
  fields: FieldSeries[];
  /** Why the topic's messages could not be read (schema not ros2msg, CDR error); then no fields. */
  error?: string;
}

export interface DecodedRecording {
  startSec: number;
  endSec: number;
  messageCount: number;
  topics: TopicSeries[];
}

/** Worker → page messages. */
export type WorkerReply =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; recording: DecodedRecording }
  | { kind: 'error'; message: string };

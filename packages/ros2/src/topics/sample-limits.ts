/**
 * What a subscription takes (issue 66): samples up to a size per ROS type, refused by the reader before anything is
 * allocated for them, and decoded into a bounded number of values (decode-budget.ts), so one big well-formed message
 * from a forged writer (64 MB of empty diagnostic key-values) neither holds the event loop for seconds nor takes
 * hundreds of MiB. A context has one set (RosContextOptions.sampleLimits); a subscription may ask for its own.
 */

/** Bounds of a context's subscriptions. */
export interface SampleLimits {
  /** Bytes of one sample of a type without its own bound (default: the participant's `limits.maxSampleSize`). */
  maxSampleBytes?: number;
  /** Bytes of one sample, by ROS type (`pkg/msg/Type`); replaces {@link DEFAULT_SAMPLE_BYTES_BY_TYPE} when given. */
  byType?: Readonly<Record<string, number>>;
  /** Values one decoded message may hold (DecodeOptions.maxValues; default {@link DEFAULT_MAX_DECODED_VALUES}). */
  maxDecodedValues?: number;
  /** Told of every sample refused, for its size or for its values (to count or log; keep it cheap). */
  onRefused?: (refusal: SampleRefusal) => void;
}

/** A sample a subscription refused. */
export interface SampleRefusal {
  topic: string;
  type: string;
  writerGuid: string;
  /** `bytes`: larger than the size bound (never reassembled); `values`: over the decode budget (never decoded). */
  reason: 'bytes' | 'values';
  /** Its size in bytes. */
  size: number;
  /** The bound it passed (bytes or values). */
  limit: number;
}

/**
 * Types whose real messages are small, with room to spare: a robot's /diagnostics arrays are kilobytes (hundreds of
 * statuses of a few key-values), a log line or a list of goals in progress are smaller still. Each is within the
 * decode budget at the worst (512 KiB of empty key-values: 32,768 of them, 196,000 values, about 45 ms).
 */
export const DEFAULT_SAMPLE_BYTES_BY_TYPE: Readonly<Record<string, number>> = {
  'diagnostic_msgs/msg/DiagnosticArray': 512 * 1024,
  'rcl_interfaces/msg/Log': 256 * 1024,
  'action_msgs/msg/GoalStatusArray': 64 * 1024,
};

/**
 * Values one decoded message may hold by default (decode-budget.ts): 30–80 ms of decoding on a 2-core EPYC for the
 * shapes measured (docs/benchmarks.md, "Big samples"). A 1,440-beam LaserScan with intensities is 23,000; a Path of
 * 5,000 poses 170,000; a 640×480 mono8 Image in the JSON form's number array 307,000, refused (read it raw, or with
 * bytes as base64: 1 value, or raise the bound).
 */
export const DEFAULT_MAX_DECODED_VALUES = 200_000;

/** The size bound of `type`'s samples under `limits` (undefined: the participant's). */
export function sampleBytesFor(limits: SampleLimits, type: string): number | undefined {
  return (limits.byType ?? DEFAULT_SAMPLE_BYTES_BY_TYPE)[type] ?? limits.maxSampleBytes;
}

/** The decode budget under `limits`. */
export function decodedValuesFor(limits: SampleLimits): number {
  return limits.maxDecodedValues ?? DEFAULT_MAX_DECODED_VALUES;
}

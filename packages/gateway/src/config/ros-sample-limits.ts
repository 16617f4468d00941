// The `ros.limits.*` keys (issue 66, docs/ros2.md "Big samples"): how large a sample of a topic the gateway
// subscribes to may be, by ROS type, and how many values one may decode into. `max_sample_bytes_by_type` is one
// string, `pkg/msg/Type=bytes` entries separated by `;`, checked at start-up like every key.
import { DEFAULT_MAX_DECODED_VALUES, DEFAULT_SAMPLE_BYTES_BY_TYPE, type SampleLimits } from '@medkit/ros2/light';

/** The largest sample the gateway's participant takes at all (its `limits.maxSampleSize`). */
export const MAX_SAMPLE_BYTES = 64 * 1024 * 1024;
/** The smallest size bound that may be configured: a bound below a fragment would refuse ordinary messages. */
export const MIN_SAMPLE_BYTES = 1024;

/** The default of `ros.limits.max_sample_bytes_by_type`: @medkit/ros2's per-type bounds. */
export const DEFAULT_BY_TYPE = Object.entries(DEFAULT_SAMPLE_BYTES_BY_TYPE).map(([t, n]) => `${t}=${n}`).join(';');
export { DEFAULT_MAX_DECODED_VALUES };

/** `pkg/msg/Type=bytes;...` as a table; throws naming the first bad entry. */
export function parseSampleBytesByType(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of value.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([A-Za-z][A-Za-z0-9_]*\/msg\/[A-Za-z][A-Za-z0-9_]*)\s*=\s*(\d+)$/.exec(entry);
    if (!m) throw new Error(`'${entry}' is not pkg/msg/Type=bytes`);
    const bytes = Number(m[2]);
    if (bytes < MIN_SAMPLE_BYTES || bytes > MAX_SAMPLE_BYTES) throw new Error(`${m[1]}: ${bytes} bytes is outside ${MIN_SAMPLE_BYTES}..${MAX_SAMPLE_BYTES}`);
    if (m[1] in out) throw new Error(`${m[1]} is given twice`);
    out[m[1]] = bytes;
  }
  return out;
}

/** Why a `ros.limits.max_sample_bytes_by_type` value cannot be used, or undefined. */
export function sampleBytesByTypeProblem(value: string): string | undefined {
  try {
    parseSampleBytesByType(value);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The context's sample limits for the three keys' values. */
export function sampleLimitsFrom(maxSampleBytes: number, byType: string, maxDecodedValues: number): SampleLimits {
  return { maxSampleBytes, byType: parseSampleBytesByType(byType), maxDecodedValues };
}

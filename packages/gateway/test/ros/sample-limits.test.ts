// The ros.limits.* keys (issue 66, docs/ros2.md "Big samples"): what they give the ROS context, and values that stop
// start-up instead of being replaced by a default.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@medkit/kit';
import { DEFAULT_SAMPLE_BYTES_BY_TYPE, sampleBytesFor } from '@medkit/ros2';
import { loadConfig } from '../../src/config/index.js';
import { rosOptionsFromConfig } from '../../src/ros/feature.js';
import { RefusedSamples } from '../../src/ros/refused-samples.js';

const limits = (flags: Record<string, unknown>) => rosOptionsFromConfig(loadConfig({ env: {}, flags })).sampleLimits!;

function refusal(flags: Record<string, unknown>): string {
  try {
    loadConfig({ env: {}, flags });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loaded');
}

describe('ros.limits.*', () => {
  it('defaults: the per-type bounds of @medkit/ros2, 64 MiB for other types, 200,000 decoded values', () => {
    const l = limits({});
    expect(l.byType).toEqual(DEFAULT_SAMPLE_BYTES_BY_TYPE);
    expect(sampleBytesFor(l, 'diagnostic_msgs/msg/DiagnosticArray')).toBe(512 * 1024);
    expect(sampleBytesFor(l, 'sensor_msgs/msg/PointCloud2')).toBe(64 * 1024 * 1024);
    expect(l.maxDecodedValues).toBe(200_000);
  });

  it('a by-type value replaces the defaults; types it leaves out take max_sample_bytes', () => {
    const l = limits({ 'ros.limits.max_sample_bytes_by_type': ' sensor_msgs/msg/Image = 8388608 ;; rcl_interfaces/msg/Log=4096', 'ros.limits.max_sample_bytes': 1048576 });
    expect(l.byType).toEqual({ 'sensor_msgs/msg/Image': 8388608, 'rcl_interfaces/msg/Log': 4096 });
    expect(sampleBytesFor(l, 'diagnostic_msgs/msg/DiagnosticArray')).toBe(1048576);
  });

  it('refuses to start on a malformed entry, a bound out of range or a type given twice', () => {
    expect(refusal({ 'ros.limits.max_sample_bytes_by_type': 'diagnostic_msgs/DiagnosticArray=1000000' })).toMatch(/ros\.limits\.max_sample_bytes_by_type=.*'diagnostic_msgs\/DiagnosticArray=1000000' is not pkg\/msg\/Type=bytes/);
    expect(refusal({ 'ros.limits.max_sample_bytes_by_type': 'std_msgs/msg/String=100' })).toMatch(/std_msgs\/msg\/String: 100 bytes is outside 1024\.\.67108864/);
    expect(refusal({ 'ros.limits.max_sample_bytes_by_type': 'std_msgs/msg/String=2048;std_msgs/msg/String=4096' })).toMatch(/given twice/);
    expect(refusal({ 'ros.limits.max_sample_bytes': 128 * 1024 * 1024 })).toMatch(/ros\.limits\.max_sample_bytes=.*allowed range 1024–67108864/);
    expect(refusal({ 'ros.limits.max_decoded_values': 10 })).toMatch(/ros\.limits\.max_decoded_values=/);
  });
});

describe('refused samples (log and /health)', () => {
  const refusal = (topic: string) => ({ topic, type: 'diagnostic_msgs/msg/DiagnosticArray', writerGuid: 'g', reason: 'bytes' as const, size: 64_000_072, limit: 524_288 });

  it('logs a topic at most once a minute, saying how many were not logged, and tracks at most 64 topics', () => {
    const lines: string[] = [];
    const r = new RefusedSamples((m) => lines.push(m));
    r.note(refusal('/diagnostics'), 0);
    r.note(refusal('/diagnostics'), 1000);
    r.note(refusal('/diagnostics'), 59_999);
    r.note(refusal('/diagnostics'), 60_000);
    expect(lines).toEqual([
      'refused a sample of /diagnostics (diagnostic_msgs/msg/DiagnosticArray) from writer g: 64000072 bytes, above 524288 (ros.limits.*)',
      'refused a sample of /diagnostics (diagnostic_msgs/msg/DiagnosticArray) from writer g: 64000072 bytes, above 524288 (ros.limits.*) (2 more since the last line)',
    ]);
    for (let i = 0; i < 100; i++) r.note(refusal(`/t${i}`), 0);
    expect(r.list(() => undefined)).toHaveLength(64);
    expect(r.list(() => '/n')[0]).toMatchObject({ topic: '/diagnostics', count: 4, node: '/n' });
    expect(r.total).toBe(104);
  });
});

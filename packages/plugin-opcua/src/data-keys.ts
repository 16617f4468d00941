// The data-path keys of the opcua configuration (docs/opcua.md "Data path"): polling or
// subscriptions, and per node `data_type`, `ros2_topic` and the register fault modes. Checked here with the
// key checks of config.ts (one error type naming the key, one plugin-wide fault-code registry).
import { fullNameProblem } from '@medkit/ros2/light';
import { DECLARED_TYPES, type DeclaredType } from './declared-type.js';
import type { KeyChecks } from './key-checks.js';
import { parseRegisterFaults, type RegisterFaults } from './register-faults.js';

export type { KeyChecks } from './key-checks.js';

/** Poll interval bounds: values outside are clamped (and the clamp is logged at start-up), not refused. */
const POLL_INTERVAL = { default: 1000, min: 100, max: 60_000 } as const;

export interface DataPathConfig {
  /** Values from monitored items of the subscription instead of polling (default false: polling). */
  prefer_subscriptions: boolean;
  /** Polling period, clamped to 100–60000. */
  poll_interval_ms: number;
  /** What the configuration asked for when it was clamped (start-up log). */
  poll_interval_requested_ms?: number;
}

/** The per-node keys of this module. */
export interface NodeDataKeys {
  /** The declared value type; checked against the server's DataType at connect. */
  data_type?: DeclaredType;
  /** Numeric values are republished as std_msgs/msg/Float32 on this ROS topic. */
  ros2_topic?: string;
  /** `status_bits` or `fault_enum` (with `status_word_width`). */
  register_faults?: RegisterFaults;
}

/** `prefer_subscriptions` and `poll_interval_ms` (clamped). */
export function dataPathKeys(src: Record<string, unknown>, c: KeyChecks): DataPathConfig {
  const requested = src.poll_interval_ms === undefined || src.poll_interval_ms === null || src.poll_interval_ms === '' ? POLL_INTERVAL.default : c.num(src.poll_interval_ms, 'poll_interval_ms');
  if (!Number.isInteger(requested)) c.fail('poll_interval_ms', 'must be a whole number of milliseconds');
  const poll_interval_ms = Math.min(POLL_INTERVAL.max, Math.max(POLL_INTERVAL.min, requested));
  return {
    prefer_subscriptions: c.bool(src.prefer_subscriptions, 'prefer_subscriptions', false),
    poll_interval_ms,
    ...(poll_interval_ms !== requested ? { poll_interval_requested_ms: requested } : {}),
  };
}

/** `data_type`, `ros2_topic`, `status_bits` / `fault_enum` / `status_word_width` of node `at` (`nodes[i]`). */
export function nodeDataKeys(raw: Record<string, unknown>, at: string, c: KeyChecks): NodeDataKeys {
  let data_type: DeclaredType | undefined;
  if (raw.data_type !== undefined && raw.data_type !== null && raw.data_type !== '') {
    if (typeof raw.data_type !== 'string' || !(DECLARED_TYPES as readonly string[]).includes(raw.data_type)) c.fail(`${at}.data_type`, `must be one of ${DECLARED_TYPES.join(', ')}`);
    data_type = raw.data_type as DeclaredType;
  }
  const register_faults = parseRegisterFaults(raw, at, c);
  if (register_faults && data_type !== undefined && data_type !== 'int') c.fail(`${at}.data_type`, `${register_faults.mode} needs an integer register (data_type int), not ${data_type}`);
  if (raw.alarm !== undefined && data_type === 'string') c.fail(`${at}.data_type`, 'a threshold alarm needs a numeric or boolean value, not string');
  let ros2_topic: string | undefined;
  if (raw.ros2_topic !== undefined) {
    ros2_topic = c.text(raw.ros2_topic, `${at}.ros2_topic`, 247);
    if (ros2_topic === undefined) c.fail(`${at}.ros2_topic`, 'must not be empty');
    const problem = fullNameProblem(ros2_topic);
    if (problem) c.fail(`${at}.ros2_topic`, `'${ros2_topic}' is not a ROS topic name: ${problem}`);
    if (data_type === 'string') c.fail(`${at}.ros2_topic`, 'only numeric values are republished (std_msgs/msg/Float32); this node is data_type string');
  }
  return {
    ...(data_type ? { data_type } : {}),
    ...(ros2_topic ? { ros2_topic } : {}),
    ...(register_faults ? { register_faults } : {}),
  };
}

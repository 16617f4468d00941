/**
 * The ROS 2 QoS profiles (docs/ros2.md) as @medkit/rtps QoS. Deadline, lifespan (except rosout) and
 * liveliness stay at their defaults (infinite, automatic).
 */
import type { QoS } from '@medkit/rtps';
import { DEFAULT_QOS } from '@medkit/rtps/light';

function profile(over: Partial<QoS>): QoS {
  return Object.freeze({ ...DEFAULT_QOS, ...over });
}

/** rmw_qos_profile_default: reliable, volatile, keep last 10. */
export const QOS_DEFAULT: QoS = profile({ reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 10 } });
/** rmw_qos_profile_sensor_data: best effort, volatile, keep last 5. */
export const QOS_SENSOR_DATA: QoS = profile({ reliability: 'best-effort', durability: 'volatile', history: { kind: 'keep-last', depth: 5 } });
/** rmw_qos_profile_services_default: reliable, volatile, keep last 10 (request and reply endpoints). */
export const QOS_SERVICES_DEFAULT: QoS = profile({ reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 10 } });
/** rmw_qos_profile_parameters: reliable, volatile, keep last 1000. */
export const QOS_PARAMETERS: QoS = profile({ reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 1000 } });
/** rmw_qos_profile_parameter_events: reliable, volatile, keep last 1000. */
export const QOS_PARAMETER_EVENTS: QoS = profile({ reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 1000 } });
/** rcl_action status: reliable, transient local, keep last 1. */
export const QOS_ACTION_STATUS: QoS = profile({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1 } });
/** rcl_qos_profile_rosout_default: reliable, transient local, keep last 1000, lifespan 10 s. */
export const QOS_ROSOUT: QoS = profile({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1000 }, lifespanSec: 10 });
/** Transient-local variant of the system default (latched topics such as /robot_description, /map). */
export const QOS_TRANSIENT_LOCAL: QoS = profile({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1 } });
/** ros_discovery_info writer: reliable, transient local, keep last 1. */
export const QOS_DISCOVERY_INFO_WRITER: QoS = QOS_TRANSIENT_LOCAL;
/** ros_discovery_info reader: reliable, transient local, keep all. */
export const QOS_DISCOVERY_INFO_READER: QoS = profile({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-all' } });

/** Every profile by its ROS name. */
export const QOS_PROFILES = {
  default: QOS_DEFAULT,
  sensorData: QOS_SENSOR_DATA,
  servicesDefault: QOS_SERVICES_DEFAULT,
  parameters: QOS_PARAMETERS,
  parameterEvents: QOS_PARAMETER_EVENTS,
  actionStatus: QOS_ACTION_STATUS,
  rosout: QOS_ROSOUT,
  transientLocal: QOS_TRANSIENT_LOCAL,
} as const;

/** A profile name or a (partial) QoS; missing policies come from the default profile. */
export type QosInput = keyof typeof QOS_PROFILES | Partial<QoS>;

/** Resolves a {@link QosInput} to a full QoS. */
export function resolveProfile(q: QosInput | undefined, fallback: QoS = QOS_DEFAULT): QoS {
  if (q === undefined) return fallback;
  if (typeof q === 'string') {
    const p = QOS_PROFILES[q];
    if (!p) throw new Error(`unknown QoS profile '${q}'`);
    return p;
  }
  return { ...fallback, ...q, liveliness: { ...fallback.liveliness, ...(q.liveliness ?? {}) } };
}

/**
 * Reader QoS that matches what the discovered writers offer (packages/rtps/README.md, like `ros2 topic echo`):
 * reliable only if every writer is, transient local only if every writer is.
 */
export function qosForWriters(writers: readonly QoS[], fallback: QoS = QOS_DEFAULT): QoS {
  if (writers.length === 0) return fallback;
  const reliable = writers.every((w) => w.reliability === 'reliable');
  const tl = writers.every((w) => w.durability !== 'volatile');
  const depth = Math.max(...writers.map((w) => (w.history.kind === 'keep-last' ? w.history.depth : 1000)), 1);
  return { ...fallback, reliability: reliable ? 'reliable' : 'best-effort', durability: tl ? 'transient-local' : 'volatile', history: { kind: 'keep-last', depth } };
}

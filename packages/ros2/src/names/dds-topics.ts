/**
 * ROS topic and service names ↔ DDS topic names (docs/ros2.md): a topic `/ns/chatter` is the DDS
 * topic `rt/ns/chatter`; a service `/ns/add` is the pair `rq/ns/addRequest` / `rr/ns/addReply`.
 */

/** DDS topic prefix of ROS topics. */
const TOPIC_PREFIX = 'rt';
/** DDS topic prefix of service requests. */
const REQUEST_PREFIX = 'rq';
/** DDS topic prefix of service replies. */
const REPLY_PREFIX = 'rr';
/** Suffix of service request topics. */
const REQUEST_SUFFIX = 'Request';
/** Suffix of service reply topics. */
const REPLY_SUFFIX = 'Reply';

/** DDS topic of a ROS topic: `/chatter` → `rt/chatter`. The name must be fully qualified. */
export function topicToDds(rosName: string): string {
  return TOPIC_PREFIX + requireAbsolute(rosName);
}

/** The DDS request and reply topics of a ROS service. */
export interface ServiceDdsTopics {
  request: string;
  reply: string;
}

/** DDS topics of a ROS service: `/add` → `{request: 'rq/addRequest', reply: 'rr/addReply'}`. */
export function serviceToDds(rosName: string): ServiceDdsTopics {
  const name = requireAbsolute(rosName);
  return { request: `${REQUEST_PREFIX}${name}${REQUEST_SUFFIX}`, reply: `${REPLY_PREFIX}${name}${REPLY_SUFFIX}` };
}

/** What a DDS topic name means on the ROS side. */
type ParsedDdsTopic =
  | { kind: 'topic'; rosName: string }
  | { kind: 'request'; rosName: string }
  | { kind: 'reply'; rosName: string };

/**
 * Reads a DDS topic name as a ROS entity: `rt/x` → topic `/x`, `rq/xRequest` → request of service
 * `/x`, `rr/xReply` → reply of service `/x`. Anything else (`ros_discovery_info`, raw DDS topics,
 * the reserved `rp`/`ra` prefixes, a `rq/` name without the `Request` suffix) → `undefined`.
 */
export function parseDdsTopic(ddsName: string): ParsedDdsTopic | undefined {
  const prefix = ddsName.slice(0, 2);
  const rest = ddsName.slice(2);
  if (!rest.startsWith('/') || rest.length < 2) return undefined;
  if (prefix === TOPIC_PREFIX) return { kind: 'topic', rosName: rest };
  if (prefix === REQUEST_PREFIX) return withSuffix('request', rest, REQUEST_SUFFIX);
  if (prefix === REPLY_PREFIX) return withSuffix('reply', rest, REPLY_SUFFIX);
  return undefined;
}

/** ROS topic name of a DDS topic, or `undefined` when it is not an `rt/` topic. */
export function ddsToTopic(ddsName: string): string | undefined {
  const parsed = parseDdsTopic(ddsName);
  return parsed?.kind === 'topic' ? parsed.rosName : undefined;
}

/** ROS service name of a DDS request or reply topic, or `undefined` when it is neither. */
export function ddsToService(ddsName: string): string | undefined {
  const parsed = parseDdsTopic(ddsName);
  return parsed && parsed.kind !== 'topic' ? parsed.rosName : undefined;
}

function withSuffix(kind: 'request' | 'reply', rest: string, suffix: string): ParsedDdsTopic | undefined {
  if (!rest.endsWith(suffix) || rest.length <= suffix.length + 1) return undefined;
  return { kind, rosName: rest.slice(0, -suffix.length) };
}

function requireAbsolute(rosName: string): string {
  if (!rosName.startsWith('/')) {
    throw new Error(`ROS name '${rosName}' is not fully qualified: expand it (expandName) before mapping it to DDS`);
  }
  return rosName;
}

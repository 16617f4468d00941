// Data items of an entity (docs/resources.md): the topics its member Apps publish or subscribe to.
// On an aggregating entity the same topic from several members is one item whose `member_ids`
// names them all, so topic ids stay bare; `<member_id>:<topic>` addresses one member's copy (docs/api.md).
import type { App } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';

export type Direction = 'publish' | 'subscribe' | 'both';

export interface DataItem {
  /** Full topic path with leading slash. */
  topic: string;
  direction: Direction;
  member_ids: string[];
}

/** The topics of `apps`, sorted by topic. */
export function dataItems(apps: readonly App[]): DataItem[] {
  const by = new Map<string, { pub: boolean; sub: boolean; members: string[] }>();
  const add = (topic: string, app: App, pub: boolean) => {
    const e = by.get(topic) ?? { pub: false, sub: false, members: [] };
    if (pub) e.pub = true;
    else e.sub = true;
    if (!e.members.includes(app.id)) e.members.push(app.id);
    by.set(topic, e);
  };
  for (const a of apps) {
    for (const t of a.topics.publishes) add(t, a, true);
    for (const t of a.topics.subscribes) add(t, a, false);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, e]) => ({ topic, direction: e.pub && e.sub ? 'both' : e.pub ? 'publish' : 'subscribe', member_ids: e.members }));
}

/** `sensors/scan` and `/sensors/scan` name the same topic (docs/api.md). */
export function normalizeTopicId(id: string): string {
  const t = id.startsWith('/') ? id : `/${id}`;
  return t.length > 1 && t.endsWith('/') ? t.slice(0, -1) : t;
}

/**
 * Finds the item `id` names among `apps` (the entity's members). A `member:topic` id picks one member;
 * an unknown member half or a member without the topic → 404 resource-not-found; an unknown topic →
 * 404 x-medkit-ros2-topic-unavailable.
 */
export function findDataItem(apps: readonly App[], entityId: string, rawId: string, aggregate: boolean): DataItem {
  const colon = rawId.indexOf(':');
  if (aggregate && colon > 0 && !rawId.startsWith('/')) {
    const memberId = rawId.slice(0, colon);
    const member = apps.find((a) => a.id === memberId);
    if (!member) throw new SovdError('resource-not-found', `'${memberId}' is not a member of ${entityId}`, { entity_id: entityId, member_id: memberId });
    const topic = normalizeTopicId(rawId.slice(colon + 1));
    if (rawId.slice(colon + 1) === '') throw new SovdError('resource-not-found', 'Missing topic after the member id', { entity_id: entityId, member_id: memberId });
    const item = dataItems([member]).find((i) => i.topic === topic);
    if (!item) throw new SovdError('resource-not-found', `Member '${memberId}' does not provide ${topic}`, { entity_id: entityId, member_id: memberId, topic_name: topic });
    return item;
  }
  const topic = normalizeTopicId(rawId);
  const item = dataItems(apps).find((i) => i.topic === topic);
  if (!item) throw new SovdError('x-medkit-ros2-topic-unavailable', 'Topic not found', { entity_id: entityId, topic_name: topic });
  return item;
}

/**
 * The item a trigger's `data/<path>` observes (docs/triggers.md): the exact topic, else the first topic
 * (in sort order) that ends with the path at a segment boundary (`/temperature` → `/sensor/temperature`).
 * Undefined while no member has such a topic: the trigger waits for it.
 */
export function matchDataItem(apps: readonly App[], entityId: string, rawId: string, aggregate: boolean): DataItem | undefined {
  try {
    return findDataItem(apps, entityId, rawId, aggregate);
  } catch (err) {
    if (!(err instanceof SovdError)) throw err;
    // A member (or its topic) not there yet: wait for it. Suffixes apply to bare topic ids only.
    if (err.vendorCode !== 'x-medkit-ros2-topic-unavailable') return undefined;
  }
  const suffix = normalizeTopicId(rawId);
  return dataItems(apps).find((i) => i.topic.endsWith(suffix));
}

/** ROS 2 topic name rules (tokens of letters, digits and `_`, not starting with a digit, no `__`). */
const TOPIC_TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why the data path `itemPath` (`/topic/name`, or `/member:topic` on aggregating entities) can never
 * name a topic (a trigger on it could never fire), or undefined when it can.
 */
export function impossibleTopicReason(itemPath: string | undefined, aggregate: boolean): string | undefined {
  if (!itemPath) return 'data needs a topic';
  const rawId = itemPath.replace(/^\//, '');
  const colon = rawId.indexOf(':');
  const topicPart = aggregate && colon > 0 && !rawId.startsWith('/') ? rawId.slice(colon + 1) : rawId;
  const topic = normalizeTopicId(topicPart);
  if (topic === '/') return 'no topic named';
  for (const token of topic.slice(1).split('/')) {
    if (!TOPIC_TOKEN.test(token)) return `'${token}' is not a valid ROS topic name token (letters, digits and '_', not starting with a digit)`;
    if (token.includes('__')) return `'${token}' contains '__', which ROS topic names do not allow`;
  }
  return undefined;
}

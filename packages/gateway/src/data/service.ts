// Data (docs/resources.md): list an entity's topics, read a topic's latest message through the topic pool,
// publish a message validated against the topic's type. HTTP-free: routes translate.
import type { App, Entity, EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import type { RosConnection } from '../ros/connection.js';
import { isAggregating } from '../ros/members.js';
import { messageOf, securityRefusal, validationIssues } from '../ros/call-errors.js';
import { rosFailure } from '@medkit/ros2/light';
import type { TypeInfoCache } from '../ros/type-info.js';
import { dataItems, findDataItem, type DataItem } from './items.js';
import { ColdWaitCapError, type TopicPool } from './topic-pool.js';
import type { TopicListen } from './sample-stream.js';
import { freshness, readStats } from './staleness.js';
import type { PublisherCache } from './publishers.js';
import { ListValueBudget } from './list-values.js';
import { publisherNames, WriteRules, DEFAULT_ALLOW, DEFAULT_CONFIRM_PATTERNS } from './write-rules.js';
import { ProviderChain } from '../entities/provider-chain.js';
import type { DataProvider } from './providers.js';
import type { DataListBody, DataListItemBody, DataValueBody } from './rest-shape.js';

export interface DataServiceDeps {
  /** Undefined when the gateway runs without ROS. */
  ros?: Pick<RosConnection, 'graph'>;
  pool?: TopicPool;
  publishers?: PublisherCache;
  typeInfo?: TypeInfoCache;
  members(type: EntityType, entity: Entity): App[];
  /** data.write.allow and data.write.confirm_patterns; their defaults when not given. */
  rules?: WriteRules;
  /** topic_sample_timeout_sec in ms. */
  sampleTimeoutMs: number;
  /** data_provider.stale_after_sec in ms; 0 = from the topic's observed period. */
  staleAfterMs?: number;
  now?: () => number;
  /** The other providers of entities' data (data/providers.ts); none when not given. */
  providers?: ProviderChain<DataProvider>;
}

/** A message type name as PUT accepts it: `pkg/msg/Type`. */
const MSG_TYPE = /^[A-Za-z][A-Za-z0-9_]*\/msg\/[A-Za-z][A-Za-z0-9_]*$/;

export type { DataValueBody };

export interface EntityRef {
  type: EntityType;
  entity: Entity;
}

/** The SOVD category of every topic data item. */
const TOPIC_CATEGORY = 'currentData';

export class DataService {
  private readonly rules: WriteRules;
  /**
   * The other providers of entities' data, consulted before the topics: the first that serves an entity
   * answers for all of its data (docs/plugins.md).
   */
  readonly providers: ProviderChain<DataProvider>;

  constructor(private readonly deps: DataServiceDeps) {
    this.rules = deps.rules ?? new WriteRules(DEFAULT_ALLOW, DEFAULT_CONFIRM_PATTERNS);
    this.providers = deps.providers ?? new ProviderChain();
  }

  /** `GET /{entity}/data` body. */
  list(ref: EntityRef): DataListBody {
    const apps = this.deps.members(ref.type, ref.entity);
    const aggregate = isAggregating(ref.type);
    const budget = new ListValueBudget();
    const items = dataItems(apps).map((i) => this.listItem(i, aggregate, budget));
    const xm: Record<string, unknown> = { entity_id: ref.entity.id, total_count: items.length };
    if (aggregate) Object.assign(xm, { aggregated: true, aggregation_level: ref.type, aggregation_sources: apps.map((a) => a.id) });
    return { items, 'x-medkit': xm };
  }

  /**
   * One list item: the topic, and what the gateway knows without sampling — the graph's publisher and
   * subscriber counts (with ROS) and the message the topic pool holds, if any (issue 24: the reference's
   * topic view reads `value` and the counts).
   */
  private listItem(i: DataItem, aggregate: boolean, budget: ListValueBudget): DataListItemBody {
    const type = this.topicType(i.topic);
    const ros2: Record<string, unknown> = { topic: i.topic, direction: i.direction };
    if (type) ros2.type = type;
    const xm: Record<string, unknown> = { ros2 };
    const info = type ? this.deps.typeInfo?.message(type) : undefined;
    if (info) xm.type_info = info;
    if (aggregate) xm.member_ids = i.member_ids;
    const item: DataListItemBody = { id: i.topic, name: i.topic, category: TOPIC_CATEGORY };
    const shown = budget.take(type ? this.deps.pool?.peek(i.topic, type) : undefined);
    if (shown && 'value' in shown) {
      item.value = shown.value;
      xm.timestamp = Number(shown.sample.timestampNs);
      Object.assign(xm, freshness(shown.sample, (this.deps.now ?? Date.now)(), this.deps.staleAfterMs ?? 0));
    } else if (shown) xm.value_omitted = shown.omitted;
    if (this.deps.ros) {
      const { publishers, ...counts } = this.counts(i.topic);
      Object.assign(item, counts);
      xm.publishers = publishers;
    }
    item['x-medkit'] = xm;
    return item;
  }

  /** Id and category of each item of the entity's data list, nothing else looked up (categories and groups). */
  listIds(ref: EntityRef): { id: string; category: string }[] {
    return dataItems(this.deps.members(ref.type, ref.entity)).map((i) => ({ id: i.topic, category: TOPIC_CATEGORY }));
  }

  /** Topics of the entity's data items (its members' published and subscribed topics). */
  topicsOf(ref: EntityRef): { topic: string; direction: string; type?: string }[] {
    return dataItems(this.deps.members(ref.type, ref.entity)).map((i) => ({ topic: i.topic, direction: i.direction, type: this.topicType(i.topic) }));
  }

  /** Forgets the cached latest values of the entity's topics (clear-data); returns how many were cached. */
  clearCached(ref: EntityRef): number {
    const pool = this.deps.pool;
    if (!pool) return 0;
    let n = 0;
    for (const t of this.topicsOf(ref)) if (t.type && pool.forget(t.topic, t.type)) n++;
    return n;
  }

  /** Calls `onMessage` for every message on `topic` (a pooled subscription) until the returned function is called. */
  watch(topic: string, type: string, onMessage: () => void): (() => void) | undefined {
    return this.deps.pool?.listen(topic, type, onMessage);
  }

  /** The first type the graph advertises for a topic (publishers first). */
  topicType(topic: string): string | undefined {
    const g = this.deps.ros?.graph;
    if (!g) return undefined;
    return g.publishersOf(topic)[0]?.rosType ?? g.subscribersOf(topic)[0]?.rosType;
  }

  /**
   * Whether messages of `type` can be decoded now; when not, starts a lookup (bounded by the sample
   * timeout) and returns the promise of its outcome.
   */
  typeReady(type: string): true | Promise<boolean> {
    const info = this.deps.typeInfo;
    if (!info || info.known(type)) return true;
    return info.ensure(type, { timeoutMs: this.deps.sampleTimeoutMs });
  }

  /** The topic's publishers and subscribers on the graph, the gateway's own not counted, and the publishing nodes' names. */
  private counts(topic: string): { publisher_count: number; subscriber_count: number; publishers: string[] } {
    const g = this.deps.ros!.graph;
    const pubs = g.publishersOf(topic).filter((e) => !e.local);
    return { publisher_count: pubs.length, subscriber_count: g.subscribersOf(topic).filter((e) => !e.local).length, publishers: publisherNames(pubs) };
  }

  /** Whether `id` names one of the entity's data items (a raw `…/stream` path that is itself a topic stays a read). */
  hasItem(ref: EntityRef, id: string): boolean {
    try {
      findDataItem(this.deps.members(ref.type, ref.entity), ref.entity.id, id, isAggregating(ref.type));
      return true;
    } catch {
      return false;
    }
  }

  /** The topic behind a data item, with a decodable type, and the pool to read it from; throws the read's errors. */
  private async sampled(ref: EntityRef, id: string, signal?: AbortSignal): Promise<{ item: DataItem; type: string; pool: TopicPool; typeInfo: TypeInfoCache }> {
    const item = findDataItem(this.deps.members(ref.type, ref.entity), ref.entity.id, id, isAggregating(ref.type));
    const { ros, pool, typeInfo } = this.deps;
    if (!ros || !pool || !typeInfo) throw new SovdError('service-unavailable', 'Topic sampling is not available (ROS access is off)', { entity_id: ref.entity.id, topic_name: item.topic });
    const type = this.topicType(item.topic);
    if (!type) throw new SovdError('x-medkit-ros2-topic-unavailable', 'Topic not found', { entity_id: ref.entity.id, topic_name: item.topic });
    if (!(await typeInfo.ensure(type, { timeoutMs: this.deps.sampleTimeoutMs, signal }))) {
      throw new SovdError('x-medkit-ros2-type-introspection-failed', `Message type ${type} could not be introspected`, { entity_id: ref.entity.id, topic_name: item.topic, type });
    }
    return { item, type, pool, typeInfo };
  }

  /**
   * The subscription a topic stream listens with (sample-stream.ts): every message of the data item's topic,
   * closed with its last listener unless a read uses it. Throws the read's errors, and 403 for a topic the
   * gateway's SROS2 permissions deny.
   */
  async streamSource(ref: EntityRef, id: string, signal?: AbortSignal): Promise<{ topic: string; type: string; listen: TopicListen }> {
    const { item, type, pool } = await this.sampled(ref, id, signal);
    const listen: TopicListen = (onSample) => {
      try {
        return pool.listen(item.topic, type, onSample, { closeWhenUnused: true });
      } catch (err) {
        const params = { entity_id: ref.entity.id, topic_name: item.topic };
        throw securityRefusal(err, params) ?? new SovdError('x-medkit-subscribe-failed', `Could not subscribe to ${item.topic}: ${messageOf(err)}`, params);
      }
    };
    return { topic: item.topic, type, listen };
  }

  /** `GET /{entity}/data/{data_id}` body. */
  async read(ref: EntityRef, id: string, signal?: AbortSignal): Promise<DataValueBody> {
    const { item, type, pool, typeInfo } = await this.sampled(ref, id, signal);
    const counts = this.counts(item.topic);
    let sample;
    try {
      sample = await pool.latest(item.topic, type, { timeoutMs: this.deps.sampleTimeoutMs, wait: counts.publisher_count > 0, signal });
    } catch (err) {
      if (err instanceof ColdWaitCapError) {
        throw new SovdError('x-medkit-cold-wait-cap-exceeded', 'Too many reads are waiting for a first sample; back off and retry', {
          entity_id: ref.entity.id,
          topic_name: item.topic,
          cold_wait_cap: err.cap,
        });
      }
      const params = { entity_id: ref.entity.id, topic_name: item.topic };
      throw securityRefusal(err, params) ?? new SovdError('x-medkit-subscribe-failed', `Could not subscribe to ${item.topic}: ${messageOf(err)}`, params);
    }
    const xm: Record<string, unknown> = { ros2: { topic: item.topic, type }, entity_id: ref.entity.id };
    const info = typeInfo.message(type);
    if (info) xm.type_info = info;
    if (sample) {
      xm.timestamp = Number(sample.timestampNs);
      Object.assign(xm, readStats(sample, (this.deps.now ?? Date.now)(), this.deps.staleAfterMs ?? 0));
    }
    Object.assign(xm, counts, { status: sample ? 'data' : 'metadata_only' });
    return { id, data: sample?.value ?? {}, 'x-medkit': xm };
  }

  /** `PUT /{entity}/data/{data_id}` body. */
  async write(ref: EntityRef, id: string, body: { type?: unknown; data?: unknown; confirm?: unknown }): Promise<DataValueBody> {
    const missing = ['type', 'data'].filter((k) => (body as Record<string, unknown>)[k] === undefined);
    if (missing.length > 0) throw new SovdError('invalid-request', `Missing field(s): ${missing.join(', ')}`, { details: `${missing.join(', ')} required`, missing });
    if (typeof body.type !== 'string' || !MSG_TYPE.test(body.type)) {
      throw new SovdError('invalid-parameter', 'Invalid message type', { details: "type must look like 'pkg/msg/Type'", type: body.type });
    }
    const type = body.type;
    const item = findDataItem(this.deps.members(ref.type, ref.entity), ref.entity.id, id, isAggregating(ref.type));
    const { ros, publishers, typeInfo } = this.deps;
    if (!ros || !publishers || !typeInfo) throw new SovdError('service-unavailable', 'Publishing is not available (ROS access is off)', { entity_id: ref.entity.id, topic_name: item.topic });
    const where = { entity_id: ref.entity.id };
    this.rules.checkAllowed(item.topic, where);
    const counts = this.counts(item.topic);
    this.rules.checkConfirmed(item.topic, counts.publishers, body.confirm, where);
    const advertised = [...new Set([...ros.graph.publishersOf(item.topic), ...ros.graph.subscribersOf(item.topic)].filter((e) => !e.local).map((e) => e.rosType))];
    if (advertised.length > 0 && !advertised.includes(type)) {
      throw new SovdError('invalid-parameter', `Topic ${item.topic} carries ${advertised.join(', ')}, not ${type}`, { details: 'type does not match the topic', type, expected: advertised });
    }
    if (!(await typeInfo.ensure(type, { timeoutMs: this.deps.sampleTimeoutMs }))) {
      throw new SovdError('invalid-parameter', `Unknown message type ${type}`, { details: 'the type registry does not know this type', type });
    }
    let created: boolean;
    try {
      created = await publishers.publish(item.topic, type, body.data, { waitForSubscribers: counts.subscriber_count, timeoutMs: this.deps.sampleTimeoutMs });
    } catch (err) {
      if (rosFailure(err) === 'validation') {
        const issues = validationIssues(err);
        const first = issues[0];
        throw new SovdError('invalid-request', `Invalid ${type}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`, {
          details: messageOf(err),
          field: first?.path ?? '',
          issues,
        });
      }
      const params = { entity_id: ref.entity.id, topic_name: item.topic };
      throw securityRefusal(err, params) ?? new SovdError('internal-error', `Publishing on ${item.topic} failed: ${messageOf(err)}`, params);
    }
    const xm: Record<string, unknown> = { ros2: { topic: item.topic, type }, entity_id: ref.entity.id, status: 'published' };
    if (created) xm.publisher_created = true;
    return { id, data: body.data, 'x-medkit': xm };
  }
}

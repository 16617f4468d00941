// The data feature (docs/resources.md): topic lists, pooled sampling of the latest message, publishing, the
// 'data' sampler for triggers and cyclic subscriptions, and `x-medkit-data-provider` on /health.
import { qosForWriters } from '@medkit/ros2/light';
import { type GatewayConfig } from '../config/index.js';
import { float, guarded, int, list } from '@medkit/kit';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { SovdError } from '@medkit/sovd';
import { afterInit } from '../ros/route-kit.js';
import { ROS_SERVICE, type RosConnection } from '../ros/connection.js';
import { isAggregating, membersVia } from '../ros/members.js';
import { secToMs, securityRefusal } from '../ros/call-errors.js';
import { TypeInfoCache } from '../ros/type-info.js';
import { getSamplers, ResourcePendingError, type SampledEntity } from '../sampling/index.js';
import { impossibleTopicReason, matchDataItem } from './items.js';
import { PublisherCache } from './publishers.js';
import { DataService } from './service.js';
import { contributedChain } from '../entities/provider-chain.js';
import { DATA_PROVIDERS } from './providers.js';
import { TopicPool, type TopicTransport } from './topic-pool.js';
import { SampleStreams } from './sample-stream.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { ROS_KEYS } from '../config/keys.js';
import { ALLOW_KEY, CONFIRM_KEY, DEFAULT_ALLOW, DEFAULT_CONFIRM_PATTERNS, WriteRules } from './write-rules.js';

export const DATA_KEYS = {
  'data_provider.max_parallel_samples': int(8, 'Accepted for compatibility; medkit samples without worker threads, so reads are not queued (no-op).', { min: 1, max: 256 }),
  'data_provider.max_pool_size': int(256, 'Live topic subscriptions kept for reads, least recently used evicted first.', { min: 1, max: 4096 }),
  'data_provider.cold_wait_cap': int(4, 'Reads waiting for a first message at once; more → 503 x-medkit-cold-wait-cap-exceeded (0 = no cap).', { min: 0, max: 1024 }),
  'data_provider.idle_safety_net_sec': float(900, 'A pooled subscription unused this long is closed.', { min: 1, max: 86400 }),
  'data_provider.idle_sweep_tick_sec': float(60, 'How often idle pooled subscriptions are swept.', { min: 1, max: 3600 }),
  [ALLOW_KEY]: guarded('security', list(DEFAULT_ALLOW, "[ours] Topic patterns data writes may publish on (`*` = any run of characters, matched on the whole topic name, e.g. `/plan` or `/demo/*`); any other write is `403 forbidden` naming this key. Default `*`: every topic; an empty list allows none. Also applies to plugin-owned data items (their id as `/id`). An invalid pattern stops start-up (docs/resources.md \"Writes are deliberate\").")),
  [CONFIRM_KEY]: guarded('security', list(DEFAULT_CONFIRM_PATTERNS, "[ours] Command topic patterns (as data.write.allow) whose writes need `\"confirm\": \"<topic>\"` in the request body, like writes on a topic other nodes publish; without it `409 precondition-not-fulfilled` names the topic and its publishers. An empty list leaves only the publisher rule. An invalid pattern stops start-up.")),
  'data_provider.max_streams': int(16, '[ours] Topic streams (`GET …/data/{topic}/stream`) open at once across the gateway; one more is `503 service-unavailable` (all SSE connections together stay under sse.max_clients).', { min: 1, max: 1024 }),
  'data_provider.stale_after_sec': float(0, '[ours] A read marks its sample `stale: true` when older than this; 0 = 3 × the topic\'s observed period (at least 1 s).', { min: 0, max: 86400 }),
};

export const DATA_SERVICE: Token<DataService> = token('data');

/** Pool transport over the gateway node: the reader's QoS follows what the topic's publishers offer. */
export function rosTopicTransport(ros: RosConnection): TopicTransport {
  return {
    subscribe(topic, type, onMessage) {
      const qos = qosForWriters(ros.graph.publishersOf(topic).filter((e) => !e.local).map((e) => e.qos));
      return ros.node.createSubscription(topic, type, (m, info) => onMessage(m, info.raw.length), qos);
    },
  };
}

export function createDataFeature(_config?: GatewayConfig): GatewayFeature {
  let service: DataService | undefined;
  let pool: TopicPool | undefined;
  let publishers: PublisherCache | undefined;
  let rules: WriteRules | undefined;
  let streams: SampleStreams | undefined;
  return {
    name: 'data',
    provides: [DATA_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, LOCKS_SERVICE, DATA_PROVIDERS],
    keys: DATA_KEYS,
    init(ctx) {
      // Fail closed: an invalid pattern stops start-up before anything is served.
      const writeRules = new WriteRules(ctx.config.read(DATA_KEYS, ALLOW_KEY), ctx.config.read(DATA_KEYS, CONFIRM_KEY));
      rules = writeRules;
      const ros = ctx.services.find(ROS_SERVICE);
      if (ros) {
        pool = new TopicPool(rosTopicTransport(ros), {
          maxPoolSize: ctx.config.read(DATA_KEYS, 'data_provider.max_pool_size'),
          coldWaitCap: ctx.config.read(DATA_KEYS, 'data_provider.cold_wait_cap'),
          idleMs: secToMs(ctx.config.read(DATA_KEYS, 'data_provider.idle_safety_net_sec')),
          sweepMs: secToMs(ctx.config.read(DATA_KEYS, 'data_provider.idle_sweep_tick_sec')),
        });
        publishers = new PublisherCache((topic, type) => ros.node.createPublisher(topic, type));
        streams = new SampleStreams({ maxStreams: ctx.config.read(DATA_KEYS, 'data_provider.max_streams') });
      }
      const s = new DataService({
        ros,
        pool,
        publishers,
        typeInfo: ros ? new TypeInfoCache(ros) : undefined,
        members: membersVia(ctx),
        rules: writeRules,
        sampleTimeoutMs: secToMs(ctx.config.read(ROS_KEYS, 'topic_sample_timeout_sec')),
        staleAfterMs: Math.round(ctx.config.read(DATA_KEYS, 'data_provider.stale_after_sec') * 1000),
        providers: contributedChain(ctx.services, DATA_PROVIDERS),
      });
      service = s;
      ctx.services.provide(DATA_SERVICE, s);
      ctx.health.add(() => ({ fields: { 'x-medkit-data-provider': pool ? { ...pool.stats(), ...streams?.stats() } : { enabled: false } } }));
      registerDataSampler(ctx, s, pool);
    },
    routes(ctx) {
      return loadedRoutes(() => import('./routes.js'), (m) => m.registerDataRoutes({
        service: afterInit(() => service, 'data'),
        rules: afterInit(() => rules, 'data'),
        streams: () => streams,
        sse: ctx.sse,
        keepaliveMs: 15_000,
        }),
      );
    },
    start() {
      pool?.start();
    },
    stop() {
      pool?.close();
      publishers?.close();
    },
  };
}

/**
 * The 'data' sampler: one topic per subscription; `subscribe` streams every message of it. A topic that
 * is not there yet (no member has it, no type advertised, type still being looked up) is pending: the
 * trigger engine subscribes again when discovery changes.
 */
function registerDataSampler(ctx: GatewayContext, service: DataService, pool: TopicPool | undefined): void {
  const members = membersVia(ctx);
  // Entities another provider serves (a plugin's DataProvider, docs/plugins.md) are sampled and streamed by it.
  const owned = (e: SampledEntity) => service.providers.resourceFor(e);
  const itemName = (itemPath: string) => itemPath.replace(/^\//, '');
  getSamplers(ctx).register('data', {
    sample: async (e: SampledEntity, itemPath, signal) => {
      if (!itemPath) throw new SovdError('x-medkit-invalid-resource-uri', 'data subscriptions need a topic path', { collection: 'data' });
      const o = owned(e);
      if (o) return (await o.read(itemName(itemPath))).body;
      return service.read({ type: e.type, entity: e.entity }, itemPath, signal);
    },
    subscribe: pool || service.providers.all.some((p) => p.streams())
      ? (e, itemPath, onValue, onError) => {
          if (!itemPath) throw new SovdError('x-medkit-invalid-resource-uri', 'data subscriptions need a topic path');
          const o = owned(e);
          if (o?.subscribe) return o.subscribe(itemName(itemPath), onValue, onError);
          if (o || !pool) throw new ResourcePendingError(`${e.id} does not stream data changes`);
          const item = matchDataItem(members(e.type, e.entity), e.id, itemPath.slice(1), isAggregating(e.type));
          if (!item) throw new ResourcePendingError(`no topic of ${e.id} matches ${itemPath} yet`);
          const type = service.topicType(item.topic);
          if (!type) throw new ResourcePendingError(`topic ${item.topic} has no advertised type yet`);
          const ready = service.typeReady(type);
          if (ready !== true) throw new ResourcePendingError(`looking up message type ${type}`, ready);
          try {
            return pool.listen(item.topic, type, (s) =>
              onValue({ id: itemPath, data: s.value, 'x-medkit': { ros2: { topic: item.topic, type }, entity_id: e.id, timestamp: Number(s.timestampNs), status: 'data' } }),
            );
          } catch (err) {
            // A topic DDS-Security refuses the gateway stays refused: a final 403, not a subscription to retry.
            throw securityRefusal(err, { entity_id: e.id, topic_name: item.topic }) ?? err;
          }
        }
      : undefined,
    impossible: (type, itemPath) => impossibleTopicReason(itemPath, isAggregating(type)),
  });
}

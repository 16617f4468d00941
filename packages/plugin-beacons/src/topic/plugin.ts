// The topic beacon (`topic_beacon`, docs/beacons.md): MedkitDiscoveryHint messages on
// `/ros2_medkit/discovery` (reliable, depth 100) → rate limit → validate → store; entities are enriched
// through the shared mapping and `x-medkit-topic-beacon` serves the stored hint.
import type { PluginConfig, PluginContext } from '@medkit/plugin-api';
import { validateHint } from '../common/hint.js';
import { BeaconPlugin, readStoreConfig } from '../common/beacon-plugin.js';
import { ChangeNotifier } from '../common/change-notifier.js';
import { num, text } from '../common/config.js';
import { PublisherRateLimiter } from './rate-limit.js';
import { rawHintOf, seenAt } from './receive.js';

export const TOPIC_BEACON = 'topic_beacon';
export const TOPIC_BEACON_CAPABILITY = 'x-medkit-topic-beacon';
export const HINT_TYPE = 'ros2_medkit_msgs/msg/MedkitDiscoveryHint';

/** Info a transport gives with each message. */
interface BeaconMessageInfo {
  /** Writer GUID of the publisher (rate-limit key). */
  publisher: string;
}

/** What the topic beacon needs from its host. */
export interface TopicBeaconDeps {
  /** Subscribes to `topic` (reliable, depth 100); undefined when there is no ROS connection. */
  subscribe?: (topic: string, onMessage: (msg: Record<string, unknown>, info: BeaconMessageInfo) => void, ctx: PluginContext) => { close(): void } | undefined;
  /** Monotonic ms clock (store, rate limit, back-projection). */
  clock?: () => number;
  /** Wall clock in ms since the epoch (back-projection of stamps). */
  wallClock?: () => number;
}

/** How often stale transitions are looked for (entity details follow within about this long). */
const STATUS_CHECK_MS = 1000;

export class TopicBeaconPlugin extends BeaconPlugin {
  topic = '/ros2_medkit/discovery';
  limiter!: PublisherRateLimiter;
  /** Messages received / stored / rejected by validation. */
  counters = { received: 0, stored: 0, invalid: 0 };
  #sub?: { close(): void };
  #changes?: ChangeNotifier;
  #timer?: NodeJS.Timeout;

  constructor(private readonly deps: TopicBeaconDeps = {}) {
    super(TOPIC_BEACON, TOPIC_BEACON_CAPABILITY, deps.clock);
  }

  configure(raw: PluginConfig): void {
    this.topic = text(raw, 'topic', '/ros2_medkit/discovery');
    this.setupStore(readStoreConfig(raw, 10));
    this.limiter = new PublisherRateLimiter({ perPublisherPerSec: num(raw, 'max_messages_per_second', 100), now: this.deps.clock });
  }

  override setContext(ctx: PluginContext): void {
    super.setContext(ctx);
    this.#changes = new ChangeNotifier(this.store, ctx);
    this.#sub = this.deps.subscribe?.(this.topic, (msg, info) => this.receive(msg, info), ctx);
    if (!this.#sub) ctx.log.warn(`no ROS connection: topic beacon does not listen on ${this.topic}`);
    this.#timer = setInterval(() => this.#changes?.check(), STATUS_CHECK_MS);
    this.#timer.unref();
  }

  /** One message: rate limit → convert → validate → store (docs/beacons.md). */
  receive(msg: Record<string, unknown>, info: BeaconMessageInfo): void {
    if (!this.limiter.allow(info.publisher)) return;
    this.counters.received++;
    const hint = validateHint(rawHintOf(msg));
    if (!hint) {
      this.counters.invalid++;
      return;
    }
    const mono = this.store.now();
    // Entity details follow through the once-a-second check (not per message: a flood stays cheap).
    if (this.store.update(hint, seenAt(msg.stamp, (this.deps.wallClock ?? Date.now)(), mono))) this.counters.stored++;
  }

  /** The debug view: counters and rate limiting. */
  status(): Record<string, unknown> {
    return {
      topic: this.topic,
      listening: Boolean(this.#sub),
      hints: this.store.size,
      max_messages_per_second: this.limiter.rate,
      publishers_tracked: this.limiter.publishers,
      rate_limited: this.limiter.dropped,
      ...this.counters,
    };
  }

  shutdown(): void {
    clearInterval(this.#timer);
    this.#changes?.stop();
    this.#sub?.close();
  }
}

// The topic subscriptions of the watchdog's topic detectors (tf_stale, latency_budget, value; docs/graph.md),
// shared so two detectors on one topic cost one subscription. A topic is subscribed once it has publishers,
// with QoS matched to them ('auto'), and closed again when they have all left, so a publisher that comes back
// with other QoS is matched afresh. The type is the configured one, or the publishers' when none is given.
import type { PluginMessageInfo, PluginRosAccess } from '@medkit/plugin-api';

export type MessageHandler = (message: Record<string, unknown>, info: PluginMessageInfo) => void;

interface FeedWant {
  topic: string;
  /** ROS type (`tf2_msgs/msg/TFMessage`); undefined: whatever the publishers announce. */
  type?: string;
  on: MessageHandler;
}

interface Feed {
  type?: string;
  /** The current handlers: they may change while the subscription stays, so the callback reads this. */
  handlers: MessageHandler[];
  close?: () => void;
  /** Why the topic is not subscribed although it has publishers. */
  problem?: string;
  messages: number;
  dropped: number;
}

interface FeedLimits {
  /** Topics subscribed at most (over all detectors). */
  maxTopics: number;
  /** Larger messages are ignored (the decoder already bounds what it reads). */
  maxMessageBytes: number;
}

export class TopicFeeds {
  private readonly wants = new Map<string, FeedWant[]>();
  private readonly feeds = new Map<string, Feed>();
  private syncedTick = -1;
  private refusedTopics = 0;

  constructor(private readonly limits: FeedLimits) {}

  /** Replaces what `owner` (a detector, a rule) listens to; the change takes effect at the next sync. */
  set(owner: string, wants: FeedWant[]): void {
    if (wants.length === 0) this.wants.delete(owner);
    else this.wants.set(owner, wants);
  }

  /** Opens and closes subscriptions to match the wants and the graph; once per tick whoever calls it first. */
  sync(ros: PluginRosAccess | undefined, tick: number): void {
    if (!ros || tick === this.syncedTick) return;
    this.syncedTick = tick;
    const byTopic = new Map<string, { type?: string; handlers: MessageHandler[] }>();
    for (const list of this.wants.values()) {
      for (const w of list) {
        const entry = byTopic.get(w.topic) ?? { type: w.type, handlers: [] };
        entry.type ??= w.type;
        entry.handlers.push(w.on);
        byTopic.set(w.topic, entry);
      }
    }
    for (const [topic, feed] of this.feeds) {
      if (byTopic.has(topic)) continue;
      feed.close?.();
      this.feeds.delete(topic);
    }
    this.refusedTopics = 0;
    for (const [topic, want] of byTopic) {
      let feed = this.feeds.get(topic);
      if (!feed) {
        if (this.feeds.size >= this.limits.maxTopics) {
          this.refusedTopics++;
          continue;
        }
        this.feeds.set(topic, (feed = { handlers: [], messages: 0, dropped: 0 }));
      }
      this.syncOne(ros, topic, feed, want);
    }
  }

  private syncOne(ros: PluginRosAccess, topic: string, feed: Feed, want: { type?: string; handlers: MessageHandler[] }): void {
    const pubs = ros.graph.publishersOf(topic);
    if (pubs.length === 0) {
      feed.close?.();
      feed.close = undefined;
      feed.problem = undefined;
      return;
    }
    feed.handlers = want.handlers;
    if (feed.close) return;
    const type = want.type ?? pubs[0].rosType;
    if (want.type && !pubs.some((p) => p.rosType === want.type)) {
      feed.problem = `publishers announce ${pubs[0].rosType}, expected ${want.type}`;
      return;
    }
    try {
      feed.close = ros.subscribe(topic, type, (m, info) => {
        if (info.size > this.limits.maxMessageBytes) {
          feed.dropped++;
          return;
        }
        feed.messages++;
        for (const h of feed.handlers) h(m, info);
      }, 'auto');
      feed.type = type;
      feed.problem = undefined;
    } catch (err) {
      feed.problem = (err as Error)?.message ?? String(err);
    }
  }

  /** Publisher GUIDs of a topic now (writers of transforms that left show as missing). */
  static writers(ros: PluginRosAccess, topic: string): Set<string> {
    return new Set(ros.graph.publishersOf(topic).map((e) => e.guid));
  }

  close(): void {
    for (const f of this.feeds.values()) f.close?.();
    this.feeds.clear();
    this.wants.clear();
  }

  /** The subscriptions of the owners whose id starts with `ownerPrefix` (a detector shows its own). */
  status(ownerPrefix: string): Record<string, unknown> {
    const mine = new Set<string>();
    for (const [owner, list] of this.wants) if (owner.startsWith(ownerPrefix)) for (const w of list) mine.add(w.topic);
    return {
      topics: [...this.feeds.entries()].filter(([topic]) => mine.has(topic)).map(([topic, f]) => ({ topic, type: f.type ?? null, subscribed: !!f.close, messages: f.messages, dropped_oversize: f.dropped, ...(f.problem ? { problem: f.problem } : {}) })),
      refused_topics: this.refusedTopics,
    };
  }
}

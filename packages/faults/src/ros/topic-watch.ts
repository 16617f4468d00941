// Keeps one subscription per wanted topic on the live graph (docs/faults.md background mode, docs/faults.md): every
// 500 ms and on graph changes, each wanted topic whose type is known and that has a publisher is subscribed
// once; topics that leave the wanted set are dropped. Shared by the black-box tap and the snapshot signal tap.
import type { RosGraph, Subscription } from '@medkit/ros2';
import type { FaultLogger } from '../log.js';

interface TopicWatchOptions {
  graph: RosGraph;
  /** The topics to keep subscribed, given every topic name on the graph. */
  wanted(allTopics: string[]): Iterable<string>;
  /** Creates the subscription of `topic` (type from the graph); a throw is logged and retried on the next pass. */
  subscribe(topic: string, type: string): Subscription;
  log: FaultLogger;
  /** Names the user of the watch in log lines (e.g. `black box`). */
  what: string;
}

export class TopicWatch {
  private readonly subs = new Map<string, Subscription>();
  private readonly failed = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly onGraph = () => this.refresh();

  constructor(private readonly o: TopicWatchOptions) {}

  start(): void {
    this.o.graph.on('change', this.onGraph);
    this.timer = setInterval(() => this.refresh(), 500);
    this.timer.unref();
    this.refresh();
  }

  /** Number of topics currently subscribed. */
  get topicCount(): number {
    return this.subs.size;
  }

  /** Topics currently subscribed. */
  topics(): string[] {
    return [...this.subs.keys()];
  }

  refresh(): void {
    const all = this.o.graph.topics();
    const wanted = new Set(this.o.wanted(all.map((t) => t.name)));
    for (const topic of wanted) {
      if (this.subs.has(topic)) continue;
      const type = all.find((t) => t.name === topic)?.types[0];
      if (!type || this.o.graph.publishersOf(topic).length === 0) continue;
      try {
        this.subs.set(topic, this.o.subscribe(topic, type));
        this.failed.delete(topic);
      } catch (err) {
        // Warn once per topic, not every 500 ms.
        if (!this.failed.has(topic)) this.o.log.warn(`${this.o.what}: cannot subscribe ${topic} (${type}): ${(err as Error).message}`);
        this.failed.add(topic);
      }
    }
    for (const [topic, sub] of this.subs) {
      if (wanted.has(topic)) continue;
      sub.close();
      this.subs.delete(topic);
    }
  }

  stop(): void {
    this.o.graph.off('change', this.onGraph);
    clearInterval(this.timer);
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
  }
}

// Feeds the black box (faults.md §7.2) from real subscriptions: every 500 ms and on graph changes the topics
// the recorder selects are subscribed raw (CDR kept as received, encapsulation header included, which is
// what rosbag2 MCAP stores); topics that left the selection are dropped.
import type { RosGraph, RosNode, Subscription, TypeRegistry } from '@medkit/ros2';
import type { BlackBoxRecorder } from '../blackbox/recorder.js';
import type { FaultLogger } from '../log.js';

const RULE = '='.repeat(80);

/**
 * The rosbag2 `ros2msg` schema text of a type: its `.msg` text, then each nested type after a line of 80 `=`
 * and `MSG: pkg/Name`. Empty when the type is unknown.
 */
export function concatenatedDefinition(types: TypeRegistry, typeName: string): string {
  const m = types.message(typeName);
  if (!m) return '';
  const parts = [m.text.trim()];
  for (const d of m.definitions.slice(1)) {
    const nested = d.name ? types.message(d.name) : undefined;
    if (nested) parts.push(`${RULE}\nMSG: ${d.name!.replace('/msg/', '/')}\n${nested.text.trim()}`);
  }
  return `${parts.join('\n')}\n`;
}

export class BlackBoxTap {
  private readonly subs = new Map<string, Subscription>();
  private readonly definitions = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private readonly onGraph = () => this.refresh();

  constructor(private readonly node: RosNode, private readonly graph: RosGraph, private readonly types: TypeRegistry, private readonly recorder: BlackBoxRecorder, private readonly log: FaultLogger) {}

  start(): void {
    this.graph.on('change', this.onGraph);
    this.timer = setInterval(() => this.refresh(), 500);
    this.timer.unref();
    this.refresh();
  }

  /** Number of topics currently tapped. */
  get topicCount(): number {
    return this.subs.size;
  }

  refresh(): void {
    const all = this.graph.topics();
    const wanted = new Set(this.recorder.topicsToSubscribe(all.map((t) => t.name)));
    for (const topic of wanted) {
      if (this.subs.has(topic)) continue;
      const type = all.find((t) => t.name === topic)?.types[0];
      if (!type || this.graph.publishersOf(topic).length === 0) continue;
      let def = this.definitions.get(type);
      if (def === undefined) {
        def = concatenatedDefinition(this.types, type);
        this.definitions.set(type, def);
      }
      const definition = def;
      try {
        this.subs.set(topic, this.node.createSubscription(topic, type, (_m, info) => {
          this.recorder.onMessage(topic, type, definition, info.raw, BigInt(Date.now()) * 1_000_000n);
        }, { reliability: 'best-effort', durability: 'volatile', history: { kind: 'keep-last', depth: 100 } }, { raw: true }));
      } catch (err) {
        this.log.warn(`black box: cannot subscribe ${topic} (${type}): ${(err as Error).message}`);
      }
    }
    for (const [topic, sub] of this.subs) {
      if (wanted.has(topic)) continue;
      sub.close();
      this.subs.delete(topic);
    }
  }

  stop(): void {
    this.graph.off('change', this.onGraph);
    clearInterval(this.timer);
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
  }
}

// Feeds the black box (docs/faults.md) from real subscriptions: the topics the recorder selects are kept
// subscribed raw (CDR kept as received, encapsulation header included, which is what rosbag2 MCAP stores)
// through a TopicWatch; topics that left the selection are dropped.
import type { RosGraph, RosNode, TypeRegistry } from '@medkit/ros2';
import type { BlackBoxRecorder } from '../blackbox/recorder.js';
import type { FaultLogger } from '../log.js';
import { TopicWatch } from './topic-watch.js';

const RULE = '='.repeat(80);

/**
 * The rosbag2 `ros2msg` schema text of a type: its `.msg` text, then each nested type after a line of 80 `=`
 * and `MSG: pkg/Name`. Empty when the type is unknown.
 */
function concatenatedDefinition(types: TypeRegistry, typeName: string): string {
  const m = types.message(typeName);
  if (!m) return '';
  const parts = [m.text.trim()];
  for (const d of m.definitions.slice(1)) {
    const nested = d.name ? types.message(d.name) : undefined;
    if (nested) parts.push(`${RULE}\nMSG: ${d.name!.replace('/msg/', '/')}\n${nested.text.trim()}`);
  }
  return `${parts.join('\n')}\n`;
}

/** The black box's subscriptions: the recorder's topic selection, subscribed raw. */
export class BlackBoxTap {
  private readonly definitions = new Map<string, string>();
  private readonly watch: TopicWatch;

  constructor(node: RosNode, graph: RosGraph, private readonly types: TypeRegistry, recorder: BlackBoxRecorder, log: FaultLogger) {
    this.watch = new TopicWatch({
      graph,
      log,
      what: 'black box',
      wanted: (all) => recorder.topicsToSubscribe(all),
      subscribe: (topic, type) => {
        const definition = this.definition(type);
        // qos_match: reliable when every publisher is, so a fragment lost on the way is sent again instead of
        // costing the whole sample (a 2 MB point cloud is over a thousand fragments); best effort otherwise.
        const sub = node.createSubscription(topic, type, (_m, info) => {
          recorder.onMessage(topic, type, definition, info.raw, BigInt(Date.now()) * 1_000_000n);
        }, recorder.qosMatch ? 'auto' : { reliability: 'best-effort', durability: 'volatile', history: { kind: 'keep-last', depth: 100 } }, { raw: true });
        // Samples a reliable publisher sent that will never arrive: in the recordings' notes, not silent.
        sub.reader.on('lost', (e) => recorder.onLost(topic, e.count));
        return sub;
      },
    });
  }

  start(): void {
    this.watch.start();
  }

  /** Number of topics currently tapped. */
  get topicCount(): number {
    return this.watch.topicCount;
  }

  refresh(): void {
    this.watch.refresh();
  }

  stop(): void {
    this.watch.stop();
  }

  private definition(type: string): string {
    let def = this.definitions.get(type);
    if (def === undefined) {
      def = concatenatedDefinition(this.types, type);
      this.definitions.set(type, def);
    }
    return def;
  }
}

// Samples the gateway's subscriptions refused for their size or their decode budget (issue 66, ros.limits.*): counted
// per topic for /health (a notice, ros_samples_refused) and logged at most once a minute per topic, so a forged
// writer sending big samples is seen without flooding the log.
import { warning, type HealthWarning } from '@medkit/kit';
import type { SampleRefusal } from '@medkit/ros2';

/** Topics tracked (a forged writer may use many): past it, refusals still count in the total. */
const MAX_TOPICS = 64;
/** One log line per topic at most this often (ms). */
const LOG_EVERY_MS = 60_000;

interface TopicRefusals {
  count: number;
  last: SampleRefusal;
  loggedAt: number;
  suppressed: number;
}

/** What /health lists per topic (x-medkit-ros.refused_samples). */
export interface RefusedSamplesHealth {
  topic: string;
  type: string;
  count: number;
  reason: SampleRefusal['reason'];
  size: number;
  limit: number;
  writer_guid: string;
  node?: string;
}

export class RefusedSamples {
  total = 0;
  private readonly topics = new Map<string, TopicRefusals>();

  constructor(private readonly log: (message: string) => void) {}

  note(r: SampleRefusal, now = Date.now()): void {
    this.total++;
    let t = this.topics.get(r.topic);
    if (!t) {
      if (this.topics.size >= MAX_TOPICS) return;
      t = { count: 0, last: r, loggedAt: -Infinity, suppressed: 0 };
      this.topics.set(r.topic, t);
    }
    t.count++;
    t.last = r;
    if (now - t.loggedAt < LOG_EVERY_MS) {
      t.suppressed++;
      return;
    }
    const what = r.reason === 'bytes' ? `${r.size} bytes, above ${r.limit}` : `${r.size} bytes that would decode into more than ${r.limit} values`;
    const more = t.suppressed > 0 ? ` (${t.suppressed} more since the last line)` : '';
    this.log(`refused a sample of ${r.topic} (${r.type}) from writer ${r.writerGuid}: ${what} (ros.limits.*)${more}`);
    t.loggedAt = now;
    t.suppressed = 0;
  }

  /** Per topic, most refusals first; `nodeOf` names a writer's node when the graph knows it. */
  list(nodeOf: (writerGuid: string) => string | undefined): RefusedSamplesHealth[] {
    return [...this.topics.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([topic, t]) => {
        const node = nodeOf(t.last.writerGuid);
        return { topic, type: t.last.type, count: t.count, reason: t.last.reason, size: t.last.size, limit: t.last.limit, writer_guid: t.last.writerGuid, ...(node ? { node } : {}) };
      });
  }
}

/** The /health notice for refused samples, or undefined when none were. */
export function refusedSamplesWarning(list: RefusedSamplesHealth[], total: number): HealthWarning | undefined {
  if (total === 0) return undefined;
  const shown = list.slice(0, 3).map((t) => `${t.topic} ${t.count}× (last ${t.size} bytes from ${t.node ?? t.writer_guid})`);
  return warning('ros_samples_refused', `${total} sample(s) refused for their size or decode budget (ros.limits.*): ${shown.join('; ')}${list.length > 3 ? '; ...' : ''} (x-medkit-ros.refused_samples)`, {
    ros_node_fqns: [...new Set(list.flatMap((t) => (t.node ? [t.node] : [])))],
  });
}

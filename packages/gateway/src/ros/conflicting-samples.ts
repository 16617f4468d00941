// Samples sent in a writer's name by someone else, seen by the gateway's readers (rtps sample-digests.ts): a
// transient-local writer's sample that disagrees with the one delivered under the same sequence number. The reader
// reads the writer again, so the stream ends up right; /health says it happened (a notice, ros_samples_conflicting),
// naming the topic and the node, because without DDS-Security it means someone on the network forges that node's data
// (docs/ros2.md "Two samples for one sequence number").
import type { ConflictingStream } from '@medkit/rtps';
import { warning, type HealthWarning } from '@medkit/kit';

/** What /health lists per writer (x-medkit-ros.conflicting_samples.streams). */
export interface ConflictingSamplesHealth {
  /** ROS name when the graph knows the writer (`/rosout`), else the DDS topic (`DCPSPublication` for discovery). */
  topic: string;
  writer_guid: string;
  /** The writer's node (`/ns/name`), when the graph knows it. */
  node?: string;
  count: number;
  last_sequence_number: number;
  first_at: string;
  last_at: string;
}

/** What the graph tells of a writer. */
export interface WriterNames {
  rosName(writerGuid: string): string | undefined;
  node(writerGuid: string): string | undefined;
}

/** The participant's conflicting writers (latest first, already bounded) as /health lists them. */
export function conflictingSamplesHealth(streams: ConflictingStream[], names: WriterNames): ConflictingSamplesHealth[] {
  return streams.map((s) => {
    const node = names.node(s.writerGuid);
    return {
      topic: names.rosName(s.writerGuid) ?? s.topic,
      writer_guid: s.writerGuid,
      ...(node ? { node } : {}),
      count: s.count,
      last_sequence_number: s.lastSequenceNumber,
      first_at: new Date(s.firstAt).toISOString(),
      last_at: new Date(s.lastAt).toISOString(),
    };
  });
}

/** The /health notice while writers with conflicting samples are known, or undefined. */
export function conflictingSamplesWarning(list: ConflictingSamplesHealth[], total: number): HealthWarning | undefined {
  if (list.length === 0) return undefined;
  const shown = list.slice(0, 3).map((s) => `${s.topic} from ${s.node ?? s.writer_guid} (${s.count}×, the latest at SN ${s.last_sequence_number}, ${s.last_at})`);
  return warning(
    'ros_samples_conflicting',
    `${total} sample(s) arrived in the name of ${list.length} writer(s) under a sequence number they had already used, with other bytes: someone else sends in their name (without DDS-Security anyone on the network can); ` +
      `the gateway reads such a writer again for its own samples: ${shown.join('; ')}${list.length > 3 ? '; ...' : ''} (x-medkit-ros.conflicting_samples)`,
    { ros_node_fqns: [...new Set(list.flatMap((s) => (s.node ? [s.node] : [])))] },
  );
}

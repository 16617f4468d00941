// `/health` on the gateway's ros_discovery_info (docs/ros2.md "ros_discovery_info"): which Gid layouts it writes
// and to how many readers, the readers it holds back (layout not known yet, or evidence that disagrees), and a
// graph that mixes Humble and Iron+ peers. A held reader's node still works with the gateway; what it misses is
// the gateway's own nodes in its `ros2 node list`.
import type { DiscoveryInfoStatus } from '@medkit/ros2';
import { warning, type HealthWarning } from '@medkit/kit';

/** A reader held for this long without evidence is worth a warning (evidence normally arrives within a round trip). */
export const HELD_READER_GRACE_MS = 5000;

/** `x-medkit-ros.discovery_info`. */
export function discoveryInfoFields(s: DiscoveryInfoStatus) {
  return {
    readers_gid16: s.readers.gid16,
    readers_gid24: s.readers.gid24,
    mixed_layouts: s.mixed,
    held: s.held.map((h) => ({ participant: h.participant, reader: h.reader, because: h.because, detail: h.detail })),
    bad_samples: s.badSamples,
  };
}

/** Warnings: a mixed graph, and readers held back (at once for a conflict, after the grace for an unknown layout). */
export function discoveryInfoWarnings(s: DiscoveryInfoStatus, now = Date.now()): HealthWarning[] {
  const out: HealthWarning[] = [];
  if (s.mixed) {
    out.push(
      warning(
        'ros_mixed_gid_layouts',
        `ROS nodes of two generations share the domain: ${s.readers.gid24} read ros_discovery_info with Humble's 24-byte Gids and ${s.readers.gid16} with Iron+'s 16-byte Gids. ` +
          'ROS does not support such a graph (careless readers of one generation can crash on the other\'s graph samples); the gateway writes each reader its own layout.',
      ),
    );
  }
  const held = s.held.filter((h) => h.because === 'conflict' || now - h.since >= HELD_READER_GRACE_MS);
  if (held.length > 0) {
    const shown = held.slice(0, 3).map((h) => `${h.participant} (${h.because}: ${h.detail})`).join(', ');
    out.push(
      warning(
        'ros_discovery_info_held',
        `The gateway writes no ros_discovery_info to ${held.length} reader(s) whose Gid layout it cannot tell: ${shown}${held.length > 3 ? ', ...' : ''}. ` +
          'Their nodes work with the gateway but do not list its nodes; set ros.distro to the robot\'s distribution if this persists.',
      ),
    );
  }
  return out;
}

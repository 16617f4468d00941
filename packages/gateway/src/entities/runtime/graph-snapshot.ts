/**
 * A plain-data picture of the ROS 2 graph at one moment. The ROS access layer (packages/ros2) fills it;
 * {@link entitiesFromGraph} turns it into runtime entities. Nothing here talks to DDS.
 */

import type { RuntimeGraphSnapshot } from '@medkit/ros2';

// The snapshot's shape is the ROS layer's own (packages/ros2 fills it).
export type { GraphEndpoint, GraphNode, RuntimeGraphSnapshot } from '@medkit/ros2';

/** Anything that can produce a graph snapshot on demand (the ROS layer implements this). */
export interface RuntimeGraphSource {
  snapshot(): RuntimeGraphSnapshot | Promise<RuntimeGraphSnapshot>;
  /** Calls `listener` when the graph changes (so discovery refreshes); returns the unsubscribe. */
  onChange?(listener: () => void): () => void;
}

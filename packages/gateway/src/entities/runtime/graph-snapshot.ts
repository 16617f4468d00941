/**
 * A plain-data picture of the ROS 2 graph at one moment. The ROS access layer (packages/ros2) fills it;
 * {@link entitiesFromGraph} turns it into runtime entities. Nothing here talks to DDS.
 */

/** A topic or service endpoint of one node, with every type advertised for that name. */
export interface GraphEndpoint {
  /** Fully qualified ROS name, e.g. `/sensors/scan`. */
  name: string;
  /** Advertised types, first one used (`sensor_msgs/msg/LaserScan`). */
  types: string[];
}

export interface GraphNode {
  /** Bare node name. */
  name: string;
  /** `/`-rooted namespace (`/` for the root). */
  namespace: string;
  publishes: GraphEndpoint[];
  subscribes: GraphEndpoint[];
  /** Services this node serves (actions show up as their `/_action/*` services). */
  services: GraphEndpoint[];
}

export interface RuntimeGraphSnapshot {
  nodes: GraphNode[];
}

/** Anything that can produce a graph snapshot on demand (the ROS layer implements this). */
export interface RuntimeGraphSource {
  snapshot(): RuntimeGraphSnapshot | Promise<RuntimeGraphSnapshot>;
  /** Calls `listener` when the graph changes (so discovery refreshes); returns the unsubscribe. */
  onChange?(listener: () => void): () => void;
}
